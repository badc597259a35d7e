from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "ita_portal.mail"
    label = "mail"
    verbose_name = _("อีเมลและการแจ้งเตือน")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from celery.signals import worker_init

        from ita_portal.mail.schedule import beat_schedule_ensure_after_migrate
        from ita_portal.mail.services import mail_config_check_worker

        post_migrate.connect(beat_schedule_ensure_after_migrate, sender=self, dispatch_uid="ita_mail_beat_schedule")
        worker_init.connect(mail_config_check_worker, dispatch_uid="ita_mail_worker_check", weak=False)
