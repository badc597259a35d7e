"""Public pages (namespace "public", no login): published documents per agency and fiscal year.

Stable addresses a webmaster can link from the agency's ITA page:
``public/<agency code>/`` (the years with published documents), ``public/<agency code>/<year>/`` (list and
index of the year's O-items), ``public/<agency code>/<year>/<series uuid>.pdf`` (always the latest published
version of that document), ``public/<agency code>/<year>/embed/`` (snippet), ``public/<agency code>/<year>/<item code>/``
(one O-item: the URL entered in ITAS).
"""

from django.urls import path

from ita_portal import converters  # noqa: F401  (registers <fy:year>)
from reports import public_views

app_name = "public"
urlpatterns = [
    path("<str:code>/", public_views.agency_index, name="agency_index"),
    path("<str:code>/<fy:year>/", public_views.agency_year, name="agency_year"),
    path("<str:code>/<fy:year>/embed/", public_views.embed, name="embed"),
    path("<str:code>/<fy:year>/<uuid:series>.pdf", public_views.document_pdf, name="pdf"),
    path("<str:code>/<fy:year>/<uuid:series>/verify/", public_views.document_verify, name="verify"),
    path("<str:code>/<fy:year>/<str:item>/", public_views.oit_item, name="oit_item"),
    path("<str:code>/<fy:year>/<str:item>/e/<int:pk>/", public_views.oit_evidence, name="oit_evidence"),
]
