"""English translation kept working.

The interface is Thai first (Thai msgids); a user who picks English (the ``django_language``
cookie — the browser's Accept-Language is ignored on purpose) must get every page of every app
in English. These tests read the catalogue itself (every entry translated, nothing fuzzy,
placeholders kept, the compiled .mo in step with the .po) and render the main pages of each app
in English as the roles of ``world``: key English labels are there, and no visible text node,
title, aria-label, placeholder or alt is still a Thai msgid the catalogue translates. Thai that is
user data by nature (agency, division, person and measure names, indicator names, the memo's
decision words) is not a msgid and is not looked at.
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from measures.models import ProgressUpdate
from reports import services as report_services
from reports.models import ReportKind
from tests.factories import WeaknessFactory
from tests.factories_reports import make_demo_data

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"
THAI = re.compile(r"[\u0E00-\u0E7F]")
NON_THAI = r"[^\u0E00-\u0E7F]+?"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdfi]|%[sdi]|\{\w*\}")
YEAR = 2567


# --- the catalogue --------------------------------------------------------------------------


@dataclass
class Entry:
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def read_po(path: Path = PO_PATH) -> list[Entry]:
    """The entries of a .po file (the header and obsolete ``#~`` entries left out)."""
    entries: list[Entry] = []
    blocks = re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))
    line_no = 1
    for block in blocks:
        entry, key = Entry(line=line_no), None
        line_no += block.count("\n") + 2
        obsolete = False
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#~"):
                obsolete = True
            elif line.startswith("#,"):
                entry.flags |= {f.strip() for f in line[2:].split(",")}
            elif line.startswith("#") or not line:
                continue
            elif line.startswith('"'):
                value = ast.literal_eval(line)
                if isinstance(key, int):
                    entry.msgstr[key] += value
                else:
                    setattr(entry, key, getattr(entry, key) + value)
            else:
                word, _, rest = line.partition(" ")
                value = ast.literal_eval(rest)
                if word.startswith("msgstr"):
                    key = int(word[7:-1]) if "[" in word else 0
                    entry.msgstr[key] = value
                else:
                    key = word
                    setattr(entry, key, value)
        if not obsolete and entry.msgid:
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[Entry]:
    return read_po()


def test_catalogue_has_no_untranslated_or_fuzzy_entries(catalogue):
    assert len(catalogue) > 800, "the catalogue lost most of its entries"
    problems = []
    for e in catalogue:
        where = f"django.po:{e.line} {e.msgid[:50]!r}"
        if "fuzzy" in e.flags:
            problems.append(f"fuzzy: {where}")
        wanted = 2 if e.msgid_plural else 1
        strings = [e.msgstr.get(i, "") for i in range(wanted)]
        if not all(s.strip() for s in strings):
            problems.append(f"untranslated: {where}")
            continue
        for s in strings:
            if THAI.search(e.msgid) and s == e.msgid:
                problems.append(f"copied, not translated: {where}")
            source = set(PLACEHOLDER.findall(e.msgid)) | set(PLACEHOLDER.findall(e.msgid_plural or ""))
            if set(PLACEHOLDER.findall(s)) != source:
                problems.append(f"placeholders differ: {where} → {s!r}")
    assert not problems, "\n".join(problems)


def test_compiled_catalogue_matches_the_po_file(catalogue):
    """The .mo Django loads says what the .po says (it was compiled after the last edit)."""
    with MO_PATH.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    stale = []
    for e in catalogue:
        if e.msgid_plural:
            got = [
                mo.npgettext(e.msgctxt, e.msgid, e.msgid_plural, n) if e.msgctxt else mo.ngettext(e.msgid, e.msgid_plural, n)
                for n in (1, 2)
            ]
            want = [e.msgstr[0], e.msgstr[1]]
        else:
            got = [mo.pgettext(e.msgctxt, e.msgid) if e.msgctxt else mo.gettext(e.msgid)]
            want = [e.msgstr[0]]
        if got != want:
            stale.append(f"{e.msgid[:40]!r}: .mo {got!r} ≠ .po {want!r}")
    assert not stale, "recompile with msgfmt --check -o django.mo django.po:\n" + "\n".join(stale[:20])


# --- what a page shows ----------------------------------------------------------------------


class VisibleText(HTMLParser):
    """Text nodes outside script/style/template, plus the attributes a person sees or hears."""

    SKIP = {"script", "style", "template"}
    ATTRS = {"title", "aria-label", "placeholder", "alt"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        for name, value in attrs:
            if name in self.ATTRS and value and value.strip():
                self.nodes.append(" ".join(value.split()))

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.nodes.append(" ".join(data.split()))


def visible_nodes(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.nodes


class ThaiLabels:
    """Recognises a text node that is (or, with its placeholders filled, matches) a Thai msgid."""

    def __init__(self, entries: list[Entry]) -> None:
        self.exact: set[str] = set()
        patterns = []
        for e in entries:
            for msgid in filter(None, (e.msgid, e.msgid_plural)):
                if not THAI.search(msgid):
                    continue
                text = " ".join(msgid.split())
                if PLACEHOLDER.search(text):
                    parts = PLACEHOLDER.split(text)
                    # A placeholder is filled with numbers and codes, or with Thai names; let it take
                    # Thai only where the msgid's own Thai is long enough not to match user data.
                    literal = len(THAI.findall("".join(parts)))
                    filler = ".+?" if literal >= 12 else NON_THAI
                    patterns.append(filler.join(r"\s*".join(map(re.escape, p.split(" "))) for p in parts))
                else:
                    self.exact.add(text)
        self.pattern = re.compile("|".join(f"(?:{p})" for p in patterns))

    def find(self, nodes: list[str], allowed: frozenset[str] = frozenset()) -> list[str]:
        return [n for n in nodes if THAI.search(n) and n not in allowed and (n in self.exact or self.pattern.fullmatch(n))]


@pytest.fixture(scope="module")
def thai_labels(catalogue) -> ThaiLabels:
    return ThaiLabels(catalogue)


# --- the data the pages show ----------------------------------------------------------------


@pytest.fixture
def portal(world, settings, tmp_path):
    """Agency A with seed-like scores, measures, steps, progress, meetings, a weakness and a
    report waiting for the director."""
    settings.MEDIA_ROOT = tmp_path
    agency = world.agency_a
    measures = make_demo_data(agency, YEAR)
    ProgressUpdate.objects.filter(measure=measures[0]).update(percent_complete=40)
    WeaknessFactory(agency=agency, fiscal_year=YEAR + 1, title="ข้อมูลเชิงสถิติการให้บริการยังไม่ครบถ้วน")
    report = report_services.report_create(
        agency=agency, year=YEAR, kind=ReportKind.CALENDAR, actor=world.users["staff_a"], data={}
    )
    report_services.report_submit(report=report, actor=world.users["staff_a"])
    return {"world": world, "agency": agency, "measure": measures[0], "report": report}


def _k(portal, **extra) -> dict:
    return {"agency_id": portal["agency"].pk, "year": YEAR, **extra}


# (page id, role, url builder, English labels that must be on the page, Thai nodes that are data)
PAGES = [
    ("home", "staff_a", lambda p: reverse("home"), ["Home", "Next follow-up meeting", "Sign out", "My measures"], ()),
    (
        "home-supervisor",
        "supervisor",
        lambda p: reverse("home"),
        ["Scores of agencies under supervision", "See the agencies"],
        (),
    ),
    ("agency-list", "staff_a", lambda p: reverse("agency_list"), ["List of agencies", "Agency type", "1 agency found"], ()),
    (
        "agency-detail",
        "staff_a",
        lambda p: reverse("agency_detail", kwargs=_k(p)),
        ["Fiscal year 2567 at a glance", "Agency information", "People in the portal", "1 awaiting the director's decision"],
        (),
    ),
    (
        "scores-dashboard",
        "staff_a",
        lambda p: reverse("indicators:dashboard", kwargs=_k(p)),
        ["ITA assessment, fiscal year 2567", "Overall score", "Scores by instrument", "ITA results by indicator", "Pass/fail"],
        (),
    ),
    (
        "scores-entry",
        "staff_a",
        lambda p: reverse("indicators:entry", kwargs=_k(p)),
        ["Enter scores", "Indicator scores", "Item results (OIT)", "Published URL", "— not specified —"],
        (),
    ),
    (
        "scores-trend",
        "staff_a",
        lambda p: reverse("indicators:trend", kwargs=_k(p)),
        ["Year-on-year comparison", "Indicator scores compared with the previous year"],
        (),
    ),
    (
        "scores-import",
        "staff_a",
        lambda p: reverse("indicators:import_upload", kwargs=_k(p)),
        ["Score file (.csv or .xlsx)", "Check file", "Wide layout (one row per agency)"],
        (),
    ),
    (
        "weaknesses",
        "staff_a",
        lambda p: reverse("weaknesses:weaknesses", kwargs=_k(p)),
        [
            "Analysis of the ITA results of fiscal year 2567 for improving work in fiscal year 2568",
            "Suggest weaknesses from the scores",
            "Shortcoming or weakness to correct urgently",
        ],
        (),
    ),
    (
        "scores-area",
        "supervisor",
        lambda p: reverse("area:area", kwargs={"agency_id": p["world"].supervising.pk, "year": YEAR}),
        ["Lowest indicator", "Progress of measures", "Done 1/2 · in progress 1", "2 agencies"],
        (),
    ),
    (
        "measures-overview",
        "staff_a",
        lambda p: reverse("measures:measure_list", kwargs=_k(p)),
        ["Measures to promote integrity and transparency, fiscal year 2567", "Add measure", "Steps completed", "Overdue only"],
        (),
    ),
    (
        "measure-detail",
        "staff_a",
        lambda p: reverse("measures:measure_detail", kwargs=_k(p, pk=p["measure"].pk)),
        [
            "Implementation steps or methods",
            "4 of 4 steps completed",
            "Summary of implementation",
            "40%",
            "Limitations of the agency",
        ],
        (),
    ),
    (
        "measure-form",
        "staff_a",
        lambda p: reverse("measures:measure_create", kwargs=_k(p)),
        ["Add measure, fiscal year 2567", "Origin of the measure", "Planned budget (baht)", "Save measure"],
        (),
    ),
    (
        "follow-up-list",
        "staff_a",
        lambda p: reverse("measures:followup_list", kwargs=_k(p)),
        ["Follow-up calendar, fiscal year 2567", "Meeting no.", "Record minutes", "Create recurring"],
        (),
    ),
    (
        "follow-up-calendar",
        "staff_a",
        lambda p: reverse("measures:followup_calendar", kwargs=_k(p)) + "?month=2567-06",
        ["June 2567", "Monday", "Sunday"],
        (),
    ),
    (
        "follow-up-generate",
        "staff_a",
        lambda p: reverse("measures:followup_generate", kwargs=_k(p)),
        ["Create recurring follow-up meetings", "Working days only", "Preview dates"],
        (),
    ),
    (
        "my-measures",
        "staff_a",
        lambda p: reverse("measures:my_measures"),
        ["Measures that you or your division are responsible for, in every agency you belong to"],
        (),
    ),
    ("calendar-feeds", "staff_a", lambda p: reverse("measures:feeds"), ["Calendar links", "Create new link"], ()),
    (
        "reports-list",
        "staff_a",
        lambda p: reverse("reports:report_list", kwargs=_k(p)),
        ["Reports and documents, fiscal year 2567", "New document", "Last edited", "Submitted"],
        (),
    ),
    (
        "reports-queue",
        "director_a",
        lambda p: reverse("reports:queue", kwargs=_k(p)),
        ["Reports awaiting the director's review"],
        (),
    ),
    (
        "report-detail",
        "director_a",
        lambda p: reverse("reports:detail", kwargs=_k(p, pk=p["report"].pk)),
        ["Preview memo", "Approve and sign", "Review history", "No PDF generated yet"],
        # The decision words are printed on the Thai memo as they are: data, not labels.
        frozenset({"ทราบ", "อนุญาต", "อนุมัติ"}),
    ),
    (
        "public-page",
        "anonymous",
        lambda p: reverse("public:agency_year", kwargs={"code": p["agency"].code, "year": YEAR}),
        [
            "Published integrity and transparency assessment (ITA) documents, fiscal year 2567",
            "Code to show on the agency's website",
        ],
        (),
    ),
    (
        "admin-index",
        "superuser",
        lambda p: reverse("admin:index"),
        [
            "ITA indicators and scores",
            "Measures and follow-up",
            "Reports and documents",
            "E-mail outbox",
            "Administrator: sees the data of every agency",
        ],
        (),
    ),
    ("admin-supervisor", "supervisor", lambda p: reverse("admin:index"), ["Your supervision scope", "Assessment framework"], ()),
]


def _get(portal, role: str, url: str, language: str | None = "en"):
    client = portal["world"].client_for(role)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url)


@pytest.mark.parametrize(("role", "build", "labels", "allowed"), [p[1:] for p in PAGES], ids=[p[0] for p in PAGES])
def test_page_is_in_english(portal, thai_labels, role, build, labels, allowed):
    response = _get(portal, role, build(portal))
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    html = response.content.decode()
    assert '<html lang="en"' in html
    nodes = visible_nodes(html)
    text = " | ".join(nodes)
    missing = [label for label in labels if label not in text]
    assert not missing, f"English labels missing: {missing}"
    leftovers = thai_labels.find(nodes, frozenset(allowed))
    assert not leftovers, f"Thai labels left on the English page: {leftovers}"


def test_the_check_finds_thai_labels_when_english_is_not_chosen(portal, thai_labels):
    """Without the cookie the same page is Thai: the detector above is able to fail."""
    response = _get(portal, "staff_a", reverse("measures:measure_detail", kwargs=_k(portal, pk=portal["measure"].pk)), None)
    assert response["Content-Language"] == "th"
    found = thai_labels.find(visible_nodes(response.content.decode()))
    assert {"ขั้นตอนหรือวิธีการปฏิบัติ", "สรุปผลการดำเนินการ", "ข้อจำกัดของหน่วยงาน"} <= set(found)


def test_form_errors_and_messages_are_english(portal):
    """Error texts written in Thai in forms and views reach the English user translated."""
    client = portal["world"].client_for("staff_a")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.post(reverse("measures:measure_create", kwargs=_k(portal)), {"title": ""})
    assert page.status_code == 200
    assert "Please enter the name of the measure" in page.content.decode()
    assert "Please correct the errors below." in page.content.decode()

    page = client.post(reverse("indicators:import_upload", kwargs=_k(portal)), {})
    assert "Please choose a file" in page.content.decode()

    # No scores in 2570: the view refuses, with its message in English on the next page.
    page = client.post(reverse("weaknesses:weaknesses", kwargs=_k(portal, year=2570)), follow=True)
    assert "There are no scores for this year yet, so no weaknesses can be suggested" in page.content.decode()


def test_thai_stays_the_default(portal):
    """Nothing here leaks English to a user who did not ask for it."""
    response = _get(portal, "staff_a", reverse("measures:measure_list", kwargs=_k(portal)), None)
    html = response.content.decode()
    assert "มาตรการส่งเสริมคุณธรรมและความโปร่งใส ปีงบประมาณ 2567" in html
    assert "Measures to promote integrity and transparency" not in html


def test_dates_money_and_date_errors_are_english(portal):
    """BE month names, the time, "baht", the date parser's messages and the calendar's cell labels
    are English in English mode; the Buddhist-Era years stay."""
    client = portal["world"].client_for("staff_a")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    measure = portal["measure"]
    page = client.get(reverse("measures:measure_detail", kwargs=_k(portal, pk=measure.pk))).content.decode()
    assert "1 May 2567 – 15 July 2567" in page
    assert " baht" in page and "บาท" not in " ".join(visible_nodes(page))
    assert "พ.ค." not in page and "ก.ค." not in page
    listing = client.get(reverse("measures:followup_list", kwargs=_k(portal))).content.decode()
    assert "30 May 2567, 09.00" in listing and "เวลา" not in " ".join(visible_nodes(listing))
    calendar = client.get(reverse("measures:followup_calendar", kwargs=_k(portal)) + "?month=2567-06").content.decode()
    assert 'data-label="15 Jun 2567"' in calendar and "มิ.ย." not in calendar
    # The one date parser answers in English: a Christian-era year, a month it does not know, a bad format.
    generate = reverse("measures:followup_generate", kwargs=_k(portal))
    for typed, message in (
        ("1/6/2024", "The year 2024 is a Christian-era year; please give the Buddhist-Era year (probably 01/06/2567)"),
        ("1 มิถุ 2567", "Unknown month name “มิถุ”"),
        ("tomorrow", "Invalid date: please type day/month/BE year"),
        ("31/6/2567", "There is no date 31/6/2567 in the calendar"),
    ):
        html = client.post(
            generate, {"start": typed, "end": "1/6/2567", "mode": "every", "every_days": "1", "action": "preview"}
        ).content.decode()
        assert message in html, typed
        assert "ปีคริสต์ศักราช" not in html and "รูปแบบวันที่ไม่ถูกต้อง" not in html
    # The date field's placeholder too.
    assert 'placeholder="dd/mm/yyyy (BE), e.g. 15/6/2567"' in client.get(generate).content.decode()


def test_history_and_sign_off_trail_are_english(portal):
    client = portal["world"].client_for("director_a")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("measures:measure_detail", kwargs=_k(portal, pk=portal["measure"].pk))).content.decode()
    history = page[page.index('id="h-history"') :]
    assert "Created measure" in history or "Created step:" in history
    for thai in ("สร้าง", "แก้ไข มาตรการ", "ขั้นตอน:", "ระบบ"):
        assert thai not in " ".join(visible_nodes(history)), thai
    report = client.get(reverse("reports:detail", kwargs=_k(portal, pk=portal["report"].pk))).content.decode()
    assert "Review history" in report
