from __future__ import annotations

from django.urls import path

from diary import views

app_name = "diary"
urlpatterns = [
    path("", views.entry_list, name="list"),
    path("new/", views.entry_new, name="entry-new"),
    path("<int:pk>/", views.entry_detail, name="entry"),
    path("<int:pk>/edit/", views.entry_edit, name="entry-edit"),
    path("<int:pk>/delete/", views.entry_delete, name="entry-delete"),
    path("feelings/", views.feelings_list, name="feelings"),
    path("kept/forget/", views.forget_kept, name="forget-kept"),
    path("chart/", views.mood_chart, name="chart"),
    path("what-works-for-me/", views.summary, name="what-works"),
    path("export/", views.export, name="export"),
    path("export/print/", views.export_print, name="export-print"),
    path("export/csv/", views.export_csv, name="export-csv"),
]
