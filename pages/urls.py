from __future__ import annotations

from django.urls import path

from pages import views

app_name = "pages"
urlpatterns = [
    path("", views.home, name="home"),
    path("help-now/", views.help_now, name="help-now"),
    path("start/", views.landing, name="landing"),
    path("using-this-site-safely/", views.using_safely, name="using-safely"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("exit/", views.quick_exit, name="quick-exit"),
]
