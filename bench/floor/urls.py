from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

# About 20 KB of fixed HTML, as long as a typical page of the service.
PAGE = (
    "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'><title>Floor</title></head><body><main>"
    + "".join(
        f"<p>Paragraph {n}: an ordinary sentence or two of plain words, as a guide step has.</p>" for n in range(240)
    )
    + "</main></body></html>"
)


def floor(request: HttpRequest) -> HttpResponse:
    return HttpResponse(PAGE)


urlpatterns = [path("", floor)]
