"""The Thai admin shows no English chrome (issue 15, admin for supervisors).

The list of English is Django's own: every word of every msgid in Django admin's English catalogue
(templates, filters, actions, messages) and of its JavaScript catalogue, plus the words of
django-simple-history's and the user pages' strings. Each page a supervisor uses is rendered in
Thai — index, every changelist (with filter counts shown), a change page of every model, each
history page, a delete confirmation, the bulk delete confirmation, the password change page — and
the visible text and the attributes people read (title, placeholder, aria-label, button values)
must hold none of those words. The admin's JavaScript catalogue must translate every msgid.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

import django
import lxml.html
import pytest
import simple_history
from django.contrib import admin
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from tests.factories_admin import rows_for

DJANGO = Path(django.__file__).parent
CATALOGUES = [
    DJANGO / "contrib/admin/locale/en/LC_MESSAGES/django.po",
    DJANGO / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po",
    DJANGO / "contrib/auth/locale/en/LC_MESSAGES/django.po",
    Path(simple_history.__file__).parent / "locale/de/LC_MESSAGES/django.po",  # its msgids (no English .po ships)
]
#: Words that are the portal's own (names, codes) or not words at all.
NOT_CHROME = {"ITA", "Portal", "LINE", "PDF", "CSV", "XLSX", "ICS", "URL", "ID", "Mac", "LDAP", "Sign", "Single", "On"}
_PLACEHOLDER = re.compile(r"%\([^)]*\)[sdr]|%[sd]|\{[^}]*\}|<[^>]+>|&\w+;")
_WORD = re.compile(r"[A-Za-z][A-Za-z’']+")
# On a page, a token with a digit, "_", "@", "." or "/" inside is data (user names, e-mail, files).
_TOKEN = re.compile(r"[A-Za-z0-9_@./’'-]+")


def _msgids(path: Path, plurals: bool = True) -> list[tuple[str | None, str]]:
    """(context, msgid) of every entry of a .po file (with ``plurals``, msgid_plural counted as a msgid too)."""
    text = path.read_text(encoding="utf-8")
    out = []
    for block in text.split("\n\n"):
        context = None
        current = None
        parts: dict[str, str] = {}
        for line in block.splitlines():
            match = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$', line)
            if match:
                current = match.group(1)
                parts[current] = match.group(2)
            elif line.startswith('"') and current:
                parts[current] += line[1:-1]
        context = parts.get("msgctxt")
        for key in ("msgid", "msgid_plural") if plurals else ("msgid",):
            if parts.get(key):
                out.append((context, parts[key].replace('\\"', '"').replace("\\n", "\n")))
    return out


_TEMPLATE_STRING = re.compile(
    r"{%\s*(?:trans|translate)\s+(['\"])(.*?)\1|{%\s*blocktrans(?:late)?[^%]*%}(.*?){%\s*(?:plural|endblocktrans(?:late)?)",
    re.S,
)
TEMPLATE_DIRS = [DJANGO / "contrib/admin/templates", Path(simple_history.__file__).parent / "templates"]


_PYTHON_STRING = re.compile(r"""\b_\((['"])(.+?)\1\)""")
#: Words Django prints without a catalogue (a boolean icon's alt was str(True)).
UNCATALOGUED = ["True False None"]


def template_strings() -> list[str]:
    """The translatable strings of Django admin's and django-simple-history's templates, and of
    django-simple-history's Python (its catalogues lack some)."""
    out = list(UNCATALOGUED)
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            for match in _TEMPLATE_STRING.finditer(path.read_text(encoding="utf-8")):
                out.append(match.group(2) or match.group(3) or "")
    for path in Path(simple_history.__file__).parent.glob("*.py"):
        out += [match.group(2) for match in _PYTHON_STRING.finditer(path.read_text(encoding="utf-8"))]
    return out


@cache
def chrome_words() -> frozenset[str]:
    words = set()
    msgids = [msgid for path in CATALOGUES for _context, msgid in _msgids(path)]
    for msgid in msgids + template_strings():
        for word in _WORD.findall(_PLACEHOLDER.sub(" ", msgid)):
            word = word.strip("’'")
            if len(word) >= 3 and word not in NOT_CHROME:
                words.add(word.lower())
    return frozenset(words)


def test_the_word_list_comes_from_django_and_is_long():
    words = chrome_words()
    assert len(words) > 400
    for expected in ("show", "counts", "typing", "filter", "selected", "toggle", "theme", "history", "choose", "changes"):
        assert expected in words


def english_chrome(html: str) -> list[str]:
    """The chrome words found in what a person reads on the page."""
    tree = lxml.html.fromstring(html)
    for node in tree.xpath("//script|//style|//noscript|//template"):
        node.drop_tree()
    texts = [tree.text_content()]
    for attribute in ("title", "placeholder", "aria-label", "alt"):
        texts += tree.xpath(f"//@{attribute}")
    texts += tree.xpath("//input[@type='submit' or @type='button' or @type='reset']/@value")
    texts += tree.xpath("//select/option/text()")
    found = []
    words = chrome_words()
    for text in texts:
        for token in _TOKEN.findall(str(text)):
            word = token.strip("’'.-")
            if not re.fullmatch(r"[A-Za-z][A-Za-z’']*", word):
                continue
            if word.lower() in words and word not in NOT_CHROME:
                found.append(word)
    return found


@pytest.fixture
def rows(world):
    return {"a": rows_for(world.agency_a, "ของเอ"), "b": rows_for(world.agency_b, "ของบี")}


def _supervisor_request(world):
    request = RequestFactory().get("/admin/")
    request.user = world.users["supervisor"]
    return request


def _admins_for(world):
    request = _supervisor_request(world)
    return [
        (model, model_admin) for model, model_admin in admin.site._registry.items() if model_admin.has_view_permission(request)
    ]


def _name(model) -> str:
    return f"admin:{model._meta.app_label}_{model._meta.model_name}"


def _pages(world) -> list[str]:
    request = _supervisor_request(world)
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in _admins_for(world):
        name = _name(model)
        urls.append(reverse(f"{name}_changelist"))
        urls.append(reverse(f"{name}_changelist") + "?_facets=True")
        if model_admin.has_add_permission(request):
            urls.append(reverse(f"{name}_add"))
        obj = model_admin.get_queryset(request).first()
        if obj is None:
            continue
        urls.append(reverse(f"{name}_change", args=[obj.pk]))
        urls.append(reverse(f"{name}_history", args=[obj.pk]))
        if model_admin.has_delete_permission(request, obj):
            urls.append(reverse(f"{name}_delete", args=[obj.pk]))
        try:
            history = obj.history.first() if hasattr(obj, "history") else None
            if history is not None:
                urls.append(reverse(f"{name}_simple_history", args=[obj.pk, history.history_id]))
        except NoReverseMatch:
            pass
    return urls


def test_every_supervisor_page_is_thai(world, rows):
    client = world.client_for("supervisor")
    pages = _pages(world)
    assert len(pages) > 40
    problems = {}
    for url in pages:
        response = client.get(url, headers={"accept-language": "th"})
        assert response.status_code == 200, url
        html = response.content.decode()
        assert '<html lang="th"' in html, url
        english = english_chrome(html)
        if english:
            problems[url] = sorted(set(english))
    assert problems == {}


def test_bulk_delete_confirmation_is_thai(world, rows):
    from ita_portal.agencies.models import Membership

    membership = Membership.objects.get(user=world.users["staff_a"])
    response = world.client_for("supervisor").post(
        reverse("admin:agencies_membership_changelist"),
        {"action": "delete_selected", "_selected_action": [str(membership.pk)], "index": "0"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'name="post"' in html  # the confirmation, nothing deleted yet
    assert english_chrome(html) == []
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_counts_and_sidebar_filter_are_thai(world, rows):
    client = world.client_for("supervisor")
    html = client.get(reverse("admin:agencies_agency_changelist") + "?_facets=True").content.decode()
    assert "ซ่อนจำนวน" in html and "Hide counts" not in html
    html = client.get(reverse("admin:agencies_agency_changelist")).content.decode()
    assert "แสดงจำนวน" in html and "Show counts" not in html
    assert "พิมพ์เพื่อค้นหาเมนู…" in html and "Start typing to filter" not in html
    assert "เลือก 0 จาก" in html and "selected" not in english_chrome(html)


def test_none_available_is_not_busy(world):
    """Django's Thai says "ไม่ว่าง" (busy) for "None available"; the index says there are none."""
    from django.utils import translation

    with translation.override("th"):
        assert translation.gettext("None available") == "ยังไม่มีรายการ"
        assert translation.gettext("Past 7 days") == "7 วันที่ผ่านมา"
        assert translation.gettext("0 of %(cnt)s selected") % {"cnt": 4} == "เลือก 0 จาก 4 รายการ"


def _js_catalogue(client) -> dict:
    body = client.get(reverse("admin:jsi18n"), headers={"accept-language": "th"}).content.decode()
    match = re.search(r"const newcatalog = (\{.*?\});\n", body, re.S)
    assert match, body[:500]
    return json.loads(match.group(1))


def test_the_admin_javascript_catalogue_translates_every_string(world):
    catalogue = _js_catalogue(world.client_for("supervisor"))
    missing = []
    for context, msgid in _msgids(DJANGO / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po", plurals=False):
        key = f"{context}\x04{msgid}" if context else msgid
        value = catalogue.get(key)
        if value is None:
            missing.append(msgid)
            continue
        for text in value if isinstance(value, list) else [value]:
            if _WORD.search(_PLACEHOLDER.sub(" ", text)):
                missing.append(f"{msgid} → {text}")
    assert missing == []
    assert catalogue["%(sel)s of %(cnt)s selected"] == ["เลือก %(sel)s จาก %(cnt)s รายการ"]
    assert catalogue["abbrev. month January\x04Jan"] == "ม.ค."
    assert catalogue["Choose all %s"] == "เลือก%sทั้งหมด"
