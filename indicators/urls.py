"""Score pages. Agency-scoped pages carry ``agency_id`` and ``year`` (the BE fiscal year of the
assessment); ``?assessor=<code>`` picks a ministry's framework instead of the national one."""

from django.urls import path

from indicators import catalogue_views, views
from ita_portal import converters  # noqa: F401  (registers <fy:year>)

app_name = "indicators"

A = "a/<int:agency_id>/<fy:year>/"

C = "catalogue/<slug:assessor>/<fy:year>/"

urlpatterns = [
    path("catalogue/", catalogue_views.catalogue_list, name="catalogue_list"),
    path("catalogue/copy/", catalogue_views.catalogue_copy, name="catalogue_copy"),
    path(C, catalogue_views.catalogue_detail, name="catalogue_detail"),
    path(C + "edit/", catalogue_views.catalogue_edit, name="catalogue_edit"),
    path(C + "confirm/", catalogue_views.catalogue_confirm, name="catalogue_confirm"),
    path(A, views.dashboard, name="dashboard"),
    path(A + "export.<str:fmt>", views.dashboard_export, name="dashboard_export"),
    path(A + "trend/", views.trend, name="trend"),
    path(A + "trend/export.<str:fmt>", views.trend_export, name="trend_export"),
    path(A + "entry/", views.entry, name="entry"),
    path(A + "import/", views.import_upload, name="import_upload"),
    path(A + "import/<int:batch_id>/", views.import_preview, name="import_preview"),
    path(A + "import/<int:batch_id>/commit/", views.import_commit, name="import_commit"),
    path(A + "import/<int:batch_id>/status/", views.import_status, name="import_status"),
    path(A + "import/<int:batch_id>/retry/", views.import_retry, name="import_retry"),
    path(A + "import/template-<str:layout>.<str:fmt>", views.import_template, name="import_template"),
]
