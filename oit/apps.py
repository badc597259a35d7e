from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OitConfig(AppConfig):
    name = "oit"
    verbose_name = _("งานเผยแพร่ข้อมูล OIT")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from oit import portal

        portal.register()
