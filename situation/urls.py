from __future__ import annotations

from django.urls import path

from situation import views

app_name = "situation"
urlpatterns = [
    path("account/what-happened/", views.what_happened, name="what-happened"),
    path("account/what-happened/remove/", views.remove_what_happened, name="what-happened-remove"),
    path("account/what-happened/welcome/", views.after_sign_up, name="after-sign-up"),
    path("timeline/", views.timeline_index, name="timeline-index"),
    path("timeline/new/", views.dates_new, name="dates-new"),
    path("timeline/<int:pk>/", views.timeline, name="timeline"),
    path("timeline/<int:pk>/dates/", views.dates_edit, name="dates-edit"),
    path("timeline/<int:pk>/delete/", views.dates_delete, name="dates-delete"),
]
