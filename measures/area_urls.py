"""A supervisor's area (included under ``scores/``, namespace ``area``): ``/scores/area/<agency_id>/<year>/``
beside the score pages, served by the measures app because it shows each agency's measures too."""

from django.urls import path

from measures.views import area

app_name = "area"

urlpatterns = [
    path("area/<int:agency_id>/<fy:year>/", area.area, name="area"),
    path("area/<int:agency_id>/<fy:year>/export.<str:fmt>", area.area_export, name="area_export"),
]
