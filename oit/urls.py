"""OIT workspace URLs (included under ``oit/``, namespace ``oit``)."""

from django.urls import path

from ita_portal import converters  # noqa: F401  (registers <fy:year>)
from oit import views, views_area

app_name = "oit"

A = "a/<int:agency_id>/<fy:year>/"
ITEM = A + "<str:code>/"

urlpatterns = [
    path(A, views.workspace, name="workspace"),
    path(A + "area/", views_area.area_page, name="area"),
    path(ITEM, views.item_detail, name="item"),
    path(ITEM + "evidence/add/", views.evidence_add, name="evidence_add"),
    path(ITEM + "reuse/", views.reuse_last_year, name="reuse"),
    path(ITEM + "status/", views.status_set, name="status"),
    path(ITEM + "check/", views.check, name="check"),
    path(ITEM + "publish/", views.publish, name="publish"),
    path(A + "evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path(A + "evidence/<int:pk>/public/", views.evidence_public, name="evidence_public"),
    path(A + "evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
]
