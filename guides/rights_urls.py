"""Rights and information pages, under /rights/."""

from __future__ import annotations

from django.urls import path

from guides import views

app_name = "rights"
urlpatterns = [
    path("", views.rights_index, name="index"),
    path("preview/<slug:slug>/", views.rights_preview, name="preview"),
    path("<slug:slug>/", views.rights_page, name="page"),
]
