"""Weakness pages (included under ``scores/``, namespace ``weaknesses``): they sit beside the score
pages of the year they are drawn from, so their paths are ``/scores/a/<agency_id>/<year>/weaknesses/…``
while the rows and the code belong to the measures app that answers them."""

from django.urls import path

from measures.views import weaknesses

app_name = "weaknesses"

A = "a/<int:agency_id>/<fy:year>/"

urlpatterns = [
    path(A + "weaknesses/", weaknesses.weaknesses, name="weaknesses"),
    path(A + "weaknesses/add/", weaknesses.weakness_add, name="weakness_add"),
    path(A + "weaknesses/<int:pk>/edit/", weaknesses.weakness_edit, name="weakness_edit"),
    path(A + "weaknesses/<int:pk>/status/", weaknesses.weakness_status, name="weakness_status"),
]
