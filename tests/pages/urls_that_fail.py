"""The site's URLconf plus a view that always fails, to see the 500 page as a person would."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from accounts.access import public
from mysupportspace.urls import urlpatterns as site_urlpatterns


@public
def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("simulated failure")


urlpatterns = [path("boom/", boom), *site_urlpatterns]
handler500 = "pages.views.server_error"
