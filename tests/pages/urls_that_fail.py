"""A URLconf with a view that always fails, to see the 500 page as a person would."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("simulated failure")


urlpatterns = [path("boom/", boom), path("", include("pages.urls"))]
handler500 = "pages.views.server_error"
