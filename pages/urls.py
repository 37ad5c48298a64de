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
    # Files for search engines at the addresses they look for, not pages: no names, and listed in
    # tests/pages/test_search_engines.py, which checks that no other route goes without a name.
    path("robots.txt", views.robots_txt),
    path("sitemap.xml", views.sitemap_xml),
]
