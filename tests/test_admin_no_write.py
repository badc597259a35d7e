"""No admin URL writes for a user whose role may not write there (issue 18, item 1).

Every registered model's admin URLs — changelist (with its bulk actions), add, change, delete,
history and each history version (django-simple-history's revert form) — are POSTed as every
non-superuser role with a form that would change the row, and every row of every table must be
exactly as before.
"""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from tests.factories_admin import rows_for

ROLES = ("anonymous", "outsider", "staff_a", "director_a", "staff_b", "director_b", "supervisor")
SKIP_TABLES = {"django_session"}  # logging in writes a session; nothing else may change


def snapshot() -> dict[str, list[tuple]]:
    state = {}
    for model in apps.get_models():
        if model._meta.db_table in SKIP_TABLES or model._meta.app_label == "axes":
            continue
        state[model._meta.label] = sorted(map(repr, model._default_manager.order_by().values_list()))
    return state


def _value(field, value):
    if isinstance(field, models.ManyToManyField):
        return [getattr(v, "pk", v) for v in value or []]
    if value is None:
        return ""
    if isinstance(field, models.BooleanField):
        return "on" if not value else ""  # flipped: a saved form changes the row
    if isinstance(field, models.CharField | models.TextField) and not field.choices:
        return f"{value}เปลี่ยน"[: field.max_length or None]
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date | decimal.Decimal | int):
        return str(value)
    return value


def hostile_form(obj) -> dict:
    """A POST body for ``obj``'s admin form with every text and flag changed."""
    data = {}
    fields = {f.name: f for f in obj._meta.get_fields() if (getattr(f, "editable", False) and f.concrete) or f.many_to_many}
    for name, value in model_to_dict(obj).items():
        field = fields.get(name)
        if field is None or isinstance(field, models.FileField):
            continue
        data[name] = _value(field, value)
    for key in ("starts_at", "ends_at"):  # split datetime widgets
        if isinstance(getattr(obj, key, None), dt.datetime):
            data[f"{key}_0"], data[f"{key}_1"] = obj.__dict__[key].strftime("%Y-%m-%d"), "10:00:00"
    return data


def admin_posts(model, obj) -> list[tuple[str | None, str, dict]]:
    """(permission the admin must grant for a write, URL, body) for every admin URL of ``obj``."""
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    form = hostile_form(obj)
    posts = [
        ("delete", reverse(f"{info}_changelist"), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}),
        ("add", reverse(f"{info}_add"), form),
        ("change", reverse(f"{info}_change", args=[obj.pk]), form),
        ("delete", reverse(f"{info}_delete", args=[obj.pk]), {"post": "yes"}),
        (None, reverse(f"{info}_history", args=[obj.pk]), form),
    ]
    history = getattr(obj, "history", None)
    if history is not None:
        for version in history.all():
            try:
                url = reverse(f"{info}_simple_history", args=[obj.pk, version.history_id])
            except NoReverseMatch:
                break
            # Reverting is never granted to a non-superuser, whatever the model's admin allows.
            posts.append((None, url, {**hostile_form(version.instance), "_change_history": "1"}))
    return posts


def granted(model, obj, user, permission: str | None) -> bool:
    """Whether the model's admin itself lets ``user`` make this write (supervisors add people …)."""
    if permission is None:
        return False
    request = RequestFactory().post("/")
    request.user = user
    model_admin = admin.site._registry[model]
    if permission == "add":
        return model_admin.has_add_permission(request)
    return getattr(model_admin, f"has_{permission}_permission")(request, obj)


@pytest.mark.django_db
def test_no_role_but_superuser_writes_through_any_admin_url(world):
    rows_for(world.agency_a, "ของเอ")
    rows_for(world.agency_b, "ของบี")
    clients = {role: world.client_for(role) for role in ROLES}  # logging in stamps last_login first
    before = snapshot()
    targets = []
    for model in admin.site._registry:
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            targets.append((model, obj))
    assert len(targets) >= 15, [m._meta.label for m, _ in targets]
    writes = []
    for role in ROLES:
        client, user = clients[role], world.users.get(role, AnonymousUser())
        for model, obj in targets:
            for permission, url, data in admin_posts(model, obj):
                if granted(model, obj, user, permission):
                    continue
                response = client.post(url, data)
                after = snapshot()
                if after != before:
                    changed = [label for label in before if before[label] != after.get(label)]
                    writes.append(f"{role} POST {url} → {response.status_code} changed {changed}")
                    before = after
    assert not writes, "\n".join(writes)


@pytest.mark.django_db
def test_supervisor_still_reads_history_of_a_measure(world):
    rows = rows_for(world.agency_a, "ของเอ")
    version = rows.measure.history.first()
    client = world.client_for("supervisor")
    url = reverse("admin:measures_measure_simple_history", args=[rows.measure.pk, version.history_id])
    response = client.get(url)
    assert response.status_code == 200
    assert "มาตรการ ของเอ" in response.content.decode()
    assert client.post(url, hostile_form(version.instance)).status_code == 403
    rows.measure.refresh_from_db()
    assert rows.measure.title == "มาตรการ ของเอ"
