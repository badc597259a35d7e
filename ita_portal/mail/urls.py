"""Notification settings pages (namespace "mail")."""

from django.urls import path

from ita_portal import converters  # noqa: F401  (registers <fy:year>)
from ita_portal.mail import views

app_name = "mail"
urlpatterns = [
    path("a/<int:agency_id>/<fy:year>/line/", views.line_settings, name="line_settings"),
]
