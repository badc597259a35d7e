"""Score pages. Agency-scoped pages carry ``agency_id`` and ``year`` (the BE fiscal year of the
assessment); ``?assessor=<code>`` picks a ministry's framework instead of the national one."""

from django.urls import path

from indicators import views

app_name = "indicators"

A = "a/<int:agency_id>/<int:year>/"

urlpatterns = [
    path(A, views.dashboard, name="dashboard"),
    path(A + "export.<str:fmt>", views.dashboard_export, name="dashboard_export"),
    path(A + "trend/", views.trend, name="trend"),
    path(A + "trend/export.<str:fmt>", views.trend_export, name="trend_export"),
    path(A + "entry/", views.entry, name="entry"),
    path(A + "import/", views.import_upload, name="import_upload"),
    path(A + "import/<int:batch_id>/", views.import_preview, name="import_preview"),
    path(A + "import/<int:batch_id>/commit/", views.import_commit, name="import_commit"),
    path(A + "import/template-<str:layout>.<str:fmt>", views.import_template, name="import_template"),
]
