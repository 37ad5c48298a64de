from __future__ import annotations

from django.urls import path

from guides import views

app_name = "guides"
urlpatterns = [
    path("", views.topics, name="topics"),
    path("topics/<slug:slug>/", views.topic, name="topic"),
    path("search/", views.search, name="search"),
    path("things-that-help-me/", views.things_that_help, name="things-that-help"),
    path("things-that-help-me/<int:pk>/remove/", views.remove_item, name="remove-item"),
    path("steps/<int:pk>/", views.step_of, name="step-of"),
    path("steps/<int:pk>/save/", views.save_step_item, name="save-step"),
    path("steps/<int:pk>/video/", views.step_video, name="step-video"),
    path("steps/<int:pk>/captions/", views.step_captions, name="step-captions"),
    path("preview/<slug:slug>/", views.preview_guide, name="preview-guide"),
    path("preview/<slug:slug>/steps/<int:number>/", views.preview_step, name="preview-step"),
    path("<slug:slug>/", views.guide, name="guide"),
    path("<slug:slug>/save/", views.save_guide_item, name="save-guide"),
    path("<slug:slug>/restart/", views.restart, name="restart"),
    path("<slug:slug>/steps/<int:number>/", views.step, name="step"),
    path("<slug:slug>/steps/<int:number>/save/", views.step_save, name="step-save"),
]
