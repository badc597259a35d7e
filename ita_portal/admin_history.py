"""django-simple-history's admin pages, made safe for the supervisors' admin.

Stock ``SimpleHistoryAdmin.history_form_view`` saves the posted form after checking only the
*view* permission, so a read-only supervisor could rewrite a measure, step, meeting or progress
update from ``…/history/<history_id>/`` — past every service (a moved meeting kept its old
reminder times). Here the history list and each old version stay viewable, and a POST to the
version page is refused unless the user is an active superuser whose role may change the model in
this admin. No history admin grants superusers CHANGE today (changes go through the portal's
service functions, which recompute what depends on them), so reverting is closed for everyone; a
superuser restores an old value through the portal pages, i.e. through the services.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from ita_portal.admin_base import is_active_superuser


class ViewOnlyHistoryAdmin(SimpleHistoryAdmin):
    """History pages that show and never save (see the module docstring)."""

    def may_revert(self, request, obj=None) -> bool:
        return is_active_superuser(request.user) and self.has_change_permission(request, obj)

    def revert_disabled(self, request, obj=None):
        return not self.may_revert(request, obj)

    def has_change_history_permission(self, request, obj=None):
        return self.may_revert(request, obj)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD") and not self.may_revert(request, self.get_object(request, object_id)):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)
