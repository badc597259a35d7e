"""Content-Security-Policy (django-csp): a strict policy on every page, and templates that need
no inline script or style to work under it (issue 18, item 7)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories_admin import rows_for

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
#: Rendered by WeasyPrint or sent by e-mail, never served to a browser under the policy.
NOT_SERVED = ("emails", "reports/pdf")


def served_templates() -> list[Path]:
    return [
        p for p in TEMPLATES.rglob("*.html") if not any(p.relative_to(TEMPLATES).as_posix().startswith(n) for n in NOT_SERVED)
    ]


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def inline_problems(html: str, nonce: str | None) -> list[str]:
    problems = []
    for tag in re.findall(r"<script\b[^>]*>", html):
        if "src=" not in tag and 'type="application/json"' not in tag and f'nonce="{nonce}"' not in tag:
            problems.append(tag)
    problems += [t for t in re.findall(r"<style\b[^>]*>", html) if f'nonce="{nonce}"' not in t]
    problems += re.findall(r"<[a-z][^>]*\sstyle=\"[^\"]*\"", html)
    problems += re.findall(r"<[a-z][^>]*\son[a-z]+=", html)
    problems += re.findall(r"(?:href|src)=\"javascript:", html)
    return problems


def test_no_served_template_has_inline_handlers_or_style_attributes():
    found = {}
    for path in served_templates():
        text = re.sub(r"{% comment %}.*?{% endcomment %}|{#.*?#}", "", path.read_text(encoding="utf-8"), flags=re.S)
        problems = re.findall(r"\son[a-z]+=\"", text) + re.findall(r"<[a-z][^>]*\sstyle=\"", text)
        problems += [t for t in re.findall(r"<style\b[^>]*>", text) if "csp_nonce" not in t]
        problems += [t for t in re.findall(r"<script\b[^>]*>", text) if "src=" not in t and "csp_nonce" not in t]
        if problems:
            found[str(path.relative_to(TEMPLATES))] = problems
    assert not found


@pytest.fixture
def pages(world):
    rows = rows_for(world.agency_a, "ของเอ")
    a, year = world.agency_a.pk, 2567
    kw = {"agency_id": a, "year": year}
    return [
        ("anonymous", reverse("login")),
        ("staff_a", reverse("home")),
        ("staff_a", reverse("indicators:dashboard", kwargs={**kw, "year": 2566})),
        ("staff_a", reverse("indicators:trend", kwargs=kw)),
        ("staff_a", reverse("indicators:entry", kwargs={**kw, "year": 2566})),
        ("supervisor", reverse("area:area", kwargs={"agency_id": world.supervising.pk, "year": 2567})),
        ("staff_a", reverse("measures:measure_list", kwargs=kw)),
        ("staff_a", reverse("measures:measure_detail", kwargs={**kw, "pk": rows.measure.pk})),
        ("staff_a", reverse("measures:followup_calendar", kwargs=kw)),
        ("staff_a", reverse("reports:detail", kwargs={**kw, "pk": rows.report.pk})),
        ("supervisor", reverse("admin:index")),
        ("supervisor", reverse("admin:measures_measure_change", args=[rows.measure.pk])),
    ]


def test_every_page_sends_a_strict_policy_and_needs_no_inline_code(world, pages):
    failures = []
    for role, url in pages:
        response = world.client_for(role).get(url)
        assert response.status_code == 200, (role, url, response.status_code)
        directives = policy(response)
        for name in ("script-src", "style-src"):
            if "'unsafe-inline'" in directives[name] or "'unsafe-eval'" in directives[name]:
                failures.append(f"{url}: {name} {directives[name]}")
        assert directives["default-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
        assert not any(src.startswith(("http", "*")) for src in directives["script-src"])
        nonce = next((s[7:-1] for s in directives["script-src"] if s.startswith("'nonce-")), None)
        problems = inline_problems(response.content.decode(), nonce)
        if problems:
            failures.append(f"{url}: {problems}")
    assert not failures, "\n".join(failures)


def test_embed_page_may_be_framed_by_agency_sites_but_runs_no_script(world):
    world.agency_a.code = "A0001"
    response = world.client_for("anonymous").get(reverse("public:embed", kwargs={"code": "A0001", "year": 2567}))
    assert response.status_code == 200
    directives = policy(response)
    assert directives["frame-ancestors"] == ["*"]
    assert directives["script-src"][0] == "'self'" and "'unsafe-inline'" not in directives["style-src"]
    nonce = next(s[7:-1] for s in directives["style-src"] if s.startswith("'nonce-"))
    assert not inline_problems(response.content.decode(), nonce)
