from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "ita_portal.agencies"
    label = "agencies"
    verbose_name = _("หน่วยงานและบุคลากร")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from ita_portal.admin_base import connect_admin_menu

        connect_admin_menu()
