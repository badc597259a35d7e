"""Measures URLs (included under ``measures/``, namespace ``measures``).

Agency pages carry ``agency_id`` and ``year`` (BE fiscal year). "My measures", the feed page and
the secret ICS feed are about the user, not one agency.
"""

from django.urls import path

from ita_portal import converters  # noqa: F401  (registers <fy:year>)
from measures.views import effects, feeds, followups, measures, progress

app_name = "measures"

A = "a/<int:agency_id>/<fy:year>/"
M = A + "m/<int:pk>/"

urlpatterns = [
    path("mine/", measures.my_measures, name="my_measures"),
    path("calendar-feeds/", feeds.feeds_page, name="feeds"),
    path("calendar-feeds/<fy:year>/", feeds.feeds_page, name="feeds_year"),
    path("calendar-feeds/regenerate/", feeds.feed_regenerate, name="feed_regenerate"),
    path("ics/<str:token>.ics", feeds.ics_feed, name="ics_feed"),
    path(A, measures.overview, name="measure_list"),
    path(A + "new/", measures.measure_create, name="measure_create"),
    path(M, measures.measure_detail, name="measure_detail"),
    path(M + "edit/", measures.measure_edit, name="measure_edit"),
    path(M + "delete/", measures.measure_delete, name="measure_delete"),
    path(M + "steps/add/", measures.step_add, name="step_add"),
    path(M + "steps/reorder/", measures.steps_reorder, name="steps_reorder"),
    path(M + "steps/<int:step_id>/edit/", measures.step_edit, name="step_edit"),
    path(M + "steps/<int:step_id>/remove/", measures.step_remove, name="step_remove"),
    path(M + "steps/<int:step_id>/toggle/", measures.step_toggle, name="step_toggle"),
    path(M + "steps/<int:step_id>/move/<str:direction>/", measures.step_move, name="step_move"),
    path(M + "progress/new/", progress.progress_create, name="progress_create"),
    path(M + "progress/<int:progress_id>/edit/", progress.progress_edit, name="progress_edit"),
    path(M + "progress/<int:progress_id>/delete/", progress.progress_delete, name="progress_delete"),
    path(M + "evidence/add/", progress.evidence_add, name="evidence_add"),
    path(A + "evidence/<int:evidence_id>/download/", progress.evidence_download, name="evidence_download"),
    path(A + "evidence/<int:evidence_id>/delete/", progress.evidence_delete, name="evidence_delete"),
    path(A + "effects/", effects.agency_effects, name="effects"),
    path(A + "effects/area/", effects.area_effects, name="area_effects"),
    path(A + "followups/", followups.followup_list, name="followup_list"),
    path(A + "followups/calendar/", followups.followup_calendar, name="followup_calendar"),
    path(A + "followups/new/", followups.followup_create, name="followup_create"),
    path(A + "followups/generate/", followups.followup_generate, name="followup_generate"),
    path(A + "followups/<int:pk>/edit/", followups.followup_edit, name="followup_edit"),
    path(A + "followups/<int:pk>/cancel/", followups.followup_cancel, name="followup_cancel"),
    path(A + "followups/<int:pk>/minutes/", followups.followup_minutes, name="followup_minutes"),
]
