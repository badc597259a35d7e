"""The catalogue's years are read on every page (the year switcher): cached, and never stale after a
change of the catalogue, in this process or another."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from indicators.models import Framework
from indicators.portal import framework_years
from tests.factories import make_framework

pytestmark = pytest.mark.django_db


def test_years_are_read_once_then_from_the_cache(django_assert_num_queries):
    make_framework(2566)
    with django_assert_num_queries(1):
        assert framework_years() == [2566]
    with django_assert_num_queries(0):
        assert framework_years() == [2566]


def test_every_change_of_the_catalogue_is_seen_at_once(django_capture_on_commit_callbacks):
    first = make_framework(2566)
    assert framework_years() == [2566]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = make_framework(2567)
    assert callbacks, "the generation is bumped again when the transaction commits"
    assert framework_years() == [2566, 2567]
    Framework.objects.filter(pk=second.pk).update(fiscal_year=2568)  # no signal: a change made by update()
    from indicators.catalogue.core import framework_export, framework_load

    framework_load(data=framework_export(framework=Framework.objects.get(pk=second.pk)))
    assert framework_years() == [2566, 2568]
    second.indicators.first().delete()
    Framework.objects.filter(pk=second.pk).delete()
    assert framework_years() == [2566]
    first.delete()
    assert framework_years() == []


def test_without_redis_the_cache_is_shared_by_every_process(tmp_path):
    """Web server, worker and commands are separate processes: without Redis the cache lives in
    files under ITA_VAR_DIR, so a bump made by one is seen by the others."""
    env = {**os.environ, "ITA_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "ita_portal.settings", "DEBUG": "1"}
    env.pop("REDIS_URL", None)
    code = (
        "import django; django.setup();"
        "from ita_portal.cache import generation, bump_generation;"
        "import sys; bump_generation('x') if sys.argv[1] == 'bump' else None; print(generation('x'))"
    )
    root = Path(__file__).resolve().parent.parent

    def run(arg):
        return subprocess.run([sys.executable, "-c", code, arg], env=env, cwd=root, capture_output=True, text=True, check=True)

    assert run("read").stdout.strip() == "0"
    assert run("bump").stdout.strip() == "2"  # at once and on commit (autocommit: at once too)
    assert run("read").stdout.strip() == "2"
    assert (tmp_path / "cache").is_dir()


def test_a_frameworks_indicators_and_items_are_read_once_and_never_stale(django_assert_num_queries):
    """The score pages' catalogue (framework_catalogue): two queries, then none, and a change of
    an indicator or an item (admin, catalogue load) is seen on the next read."""
    from indicators.selectors import framework_catalogue

    framework = make_framework(2567)
    with django_assert_num_queries(2):
        indicators, items = framework_catalogue(framework)
    assert indicators and items
    with django_assert_num_queries(0):
        again, again_items = framework_catalogue(framework)
    assert [i.pk for i in again] == [i.pk for i in indicators]
    assert [(i.pk, i.indicator.number) for i in again_items] == [(i.pk, i.indicator.number) for i in items]
    indicator = framework.indicators.order_by("number").first()
    indicator.name = "ตัวชี้วัดที่แก้ชื่อแล้ว"
    indicator.save()
    assert framework_catalogue(framework)[0][0].name == "ตัวชี้วัดที่แก้ชื่อแล้ว"
    framework.items.order_by("pk").last().delete()
    assert len(framework_catalogue(framework)[1]) == len(items) - 1
    other = make_framework(2568)
    assert {i.pk for i in framework_catalogue(other)[0]}.isdisjoint(i.pk for i in indicators)


def test_a_years_frameworks_are_read_once_and_follow_every_change(django_assert_num_queries):
    """``frameworks_of_year`` (most pages: the year's catalogue and grade bands) is one query, then
    none; a new draft is not listed, its confirmation and a renamed assessor are seen at once."""
    from indicators.catalogue.upkeep import framework_confirm
    from indicators.selectors import frameworks_of_year

    national = make_framework(2566)
    with django_assert_num_queries(1):
        assert [f.pk for f in frameworks_of_year(2566)] == [national.pk]
    with django_assert_num_queries(0):
        (cached,) = frameworks_of_year(2566)
        assert cached.assessor.code == national.assessor.code
    draft = make_framework(2567)
    Framework.objects.filter(pk=draft.pk).update(is_draft=True)  # no signal; the load below bumps
    from indicators.portal import catalogue_changed

    catalogue_changed()
    assert frameworks_of_year(2567) == []
    framework_confirm(framework=draft)
    assert [f.pk for f in frameworks_of_year(2567)] == [draft.pk]
    assessor = national.assessor
    assessor.name = "สำนักงานทดสอบ (เปลี่ยนชื่อ)"
    assessor.save()
    assert frameworks_of_year(2566)[0].assessor.name == "สำนักงานทดสอบ (เปลี่ยนชื่อ)"
    national.delete()
    assert frameworks_of_year(2566) == []
