from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "measures"
    verbose_name = _("มาตรการและการกำกับติดตาม")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from measures import portal

        portal.register()
