"""The site's URLconf plus a view that always fails, to see the 500 page as a person would."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from accounts.access import public
from mysupportspace.urls import urlpatterns as site_urlpatterns


@public
def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("simulated failure")


@public
def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


urlpatterns = [path("boom/", boom), path("forbidden/", forbidden), *site_urlpatterns]
handler403 = "pages.views.permission_denied"
handler404 = "pages.views.page_not_found"
handler500 = "pages.views.server_error"
