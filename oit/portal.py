"""What the OIT workspace adds to the shared shell (``ita_portal.agencies``, ``ita_portal.mail``),
from ``AppConfig.ready()``: its navigation entry and the periodic reminder sweep."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ita_portal.agencies import navigation
from ita_portal.mail.schedule import PeriodicEntry, periodic_task_register

OIT_SWEEP_NAME = "ITA: แจ้งเตือนข้อ OIT ที่ใกล้กำหนดส่ง (ทุก 5 นาที)"


def register() -> None:
    navigation.section_register(navigation.Section(_("ข้อมูล OIT"), "bi-ui-checks", ("oit:workspace",), order=45))
    periodic_task_register(PeriodicEntry(OIT_SWEEP_NAME, "oit.reminders_sweep", every_minutes=5))
