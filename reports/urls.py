"""Staff pages of reports (namespace "reports"); every page carries ``agency_id`` and ``year``."""

from django.urls import path

from ita_portal import converters  # noqa: F401  (registers <fy:year>)
from reports import views, views_exports, views_routing, views_signing

app_name = "reports"
P = "a/<int:agency_id>/<fy:year>/"
urlpatterns = [
    path("waiting/", views_routing.waiting, name="waiting"),
    path("me/signature/", views_signing.my_signature, name="my_signature"),
    path("me/signature/image", views_signing.my_signature_image, name="my_signature_image"),
    path(P + "signing-key/", views_signing.signing_key, name="signing_key"),
    path(P + "signing-key/certificate.pem", views_signing.signing_certificate, name="signing_certificate"),
    path(P, views.report_list, name="report_list"),
    path(P + "routing/", views_routing.chain_settings, name="chain"),
    path(P + "queue/", views.director_queue, name="queue"),
    path(P + "new/<slug:kind>/", views.report_create, name="create"),
    path(P + "<int:pk>/", views.report_detail, name="detail"),
    path(P + "<int:pk>/edit/", views.report_edit, name="edit"),
    path(P + "<int:pk>/preview.pdf", views.report_preview, name="preview"),
    path(P + "<int:pk>/preview/<str:key>/", views.preview_status, name="preview_status"),
    path(P + "<int:pk>/draft.docx", views_exports.report_docx, name="docx"),
    path(P + "excel/<slug:kind>.xlsx", views_exports.plan_xlsx, name="xlsx"),
    path(P + "<int:pk>/render/", views.rendition_create, name="render"),
    path(P + "<int:pk>/renditions/<int:rid>/status/", views.rendition_status, name="rendition_status"),
    path(P + "<int:pk>/renditions/<int:rid>.pdf", views.rendition_file, name="rendition_file"),
    path(P + "<int:pk>/<slug:action>/", views.report_action, name="action"),
]
