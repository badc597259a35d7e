"""One digit rule per page (issue 15): the meetings list, a measure, the month calendar and a
report page write every number the portal writes — dates, times, meeting numbers, counts, money,
years, the document number, history entries — in the digits the agency chose
(``Agency.use_thai_digits``, the setting its documents follow). Codes, URLs and e-mail addresses
keep their characters; free text is shown as typed (the data here has no digits in it, so any
mix the test finds is the portal's own). English pages use Arabic digits."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from measures import services as measure_services
from measures.models import FollowUp, Measure, MeasureStep, ProgressUpdate
from reports import services as report_services
from reports.models import Report, ReportKind
from tests.factories import bkk
from tests.factories_reports import make_demo_data

pytestmark = pytest.mark.django_db
YEAR = 2567
THAI = re.compile(r"[๐-๙]")
ARABIC = re.compile(r"[0-9]")
# What keeps its characters: URLs, e-mail addresses and codes (A0001, O12, SHA-256, hex digests).
KEEP = re.compile(r"https?://\S+|\S+@\S+|\b[A-Za-z]+-?[0-9]+[A-Za-z0-9]*\b|\b[0-9a-f]{16,}\b")


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Visible(HTMLParser):
    """Text nodes and the attributes a person sees or hears (title, aria-label, placeholder, alt,
    and data-label, which the phone layout prints before each cell), leaving out script, style and
    what is a code by its markup (monospace, <code>, <kbd>)."""

    SKIP = {"script", "style", "template", "code", "kbd", "samp"}
    ATTRS = {"title", "aria-label", "placeholder", "alt", "data-label"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[str] = []
        self._stack: list[bool] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        skip = tag in self.SKIP or "font-monospace" in (values.get("class") or "")
        if not any(self._stack) and not skip:
            self.nodes += [" ".join(v.split()) for n, v in attrs if n in self.ATTRS and v and v.strip()]
        if tag not in VOID:
            self._stack.append(skip)

    def handle_endtag(self, tag):
        if tag not in VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if not any(self._stack) and data.strip():
            self.nodes.append(" ".join(data.split()))


def digit_classes(html: str) -> tuple[list[str], list[str]]:
    parser = Visible()
    parser.feed(html)
    thai, arabic = [], []
    for node in parser.nodes:
        text = KEEP.sub("", node)
        if THAI.search(text):
            thai.append(node)
        if ARABIC.search(text):
            arabic.append(node)
    return thai, arabic


TEXTS = (
    "title",
    "issue_heading",
    "target_quantity",
    "target_quality",
    "objective",
    "weakness_text",
    "improvement_text",
    "monitoring_approach",
    "limitations",
    "guideline",
    "period_text",
)


def _strip_digits(text: str) -> str:
    return re.sub(r"[0-9๐-๙]", "", text)


@pytest.fixture
def pages(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    agency = world.agency_a
    agency.doc_prefix = "ศธ ๐๒๑๐๒"
    agency.save()
    measures = make_demo_data(agency, YEAR)
    from ita_portal.agencies.models import Membership

    for i, m in enumerate(Membership.objects.all()):
        m.first_name_th, m.last_name_th = "ทดสอบ" + "กขคงจฉชซฌญ"[i], "ใจดี"
        m.save()
    for m in Measure.objects.filter(agency=agency):
        for name in TEXTS:
            setattr(m, name, _strip_digits(getattr(m, name)))
        m.save()
    for s in MeasureStep.objects.filter(measure__agency=agency):
        s.text = _strip_digits(s.text)
        s.save()
    # …and in the history rows written when they were made.
    for h in Measure.history.all():
        Measure.history.filter(pk=h.pk).update(**{n: _strip_digits(getattr(h, n)) for n in TEXTS})
    for h in MeasureStep.history.all():
        MeasureStep.history.filter(pk=h.pk).update(text=_strip_digits(h.text))
    FollowUp.objects.filter(agency=agency).update(title="ประชุมกำกับ ติดตามการดำเนินงานตามมาตรการ")
    ProgressUpdate.objects.filter(measure__agency=agency).update(percent_complete=40)
    measure = measures[0]
    # Meetings of the measure made by the generator (numbered after saving) and a change: history entries.
    client = world.client_for("staff_a")
    client.post(
        reverse("measures:measure_edit", kwargs={"agency_id": agency.pk, "year": YEAR, "pk": measure.pk}),
        {"title": measure.title + " ใหม่", "budget_planned": "12500", "start_date": "1/5/2567", "end_date": "15/7/2567"},
    )
    for day in (3, 17):
        measure_services.followup_create(agency=agency, fiscal_year=YEAR, measure=measure, starts_at=bkk(2024, 6, day, 9, 30))
    report = report_services.report_create(
        agency=agency, year=YEAR, kind=ReportKind.CALENDAR, actor=world.users["staff_a"], data={}
    )
    report = report_services.report_submit(report=report, actor=world.users["staff_a"])
    # The subject is text the officer may edit (data); the document number is the portal's.
    Report.objects.filter(pk=report.pk).update(doc_number=1, subject=_strip_digits(report.subject))
    k = {"agency_id": agency.pk, "year": YEAR}
    return {
        "world": world,
        "agency": agency,
        "urls": {
            "meetings": reverse("measures:followup_list", kwargs=k),
            "measure": reverse("measures:measure_detail", kwargs={**k, "pk": measure.pk}),
            "calendar": reverse("measures:followup_calendar", kwargs=k) + "?month=2567-06",
            "report": reverse("reports:detail", kwargs={**k, "pk": report.pk}),
        },
    }


PAGES = ["meetings", "measure", "calendar", "report"]


@pytest.mark.parametrize("name", PAGES)
def test_thai_digit_agency_pages_have_thai_digits_only(pages, name):
    pages["agency"].use_thai_digits = True
    pages["agency"].save()
    html = pages["world"].client_for("staff_a").get(pages["urls"][name]).content.decode()
    thai, arabic = digit_classes(html)
    assert thai, "the page shows numbers"
    assert not arabic, f"Arabic digits on a Thai-digit page: {arabic[:12]}"


@pytest.mark.parametrize("name", PAGES)
def test_arabic_digit_agency_pages_have_arabic_digits_only(pages, name):
    pages["agency"].use_thai_digits = False
    pages["agency"].save()
    html = pages["world"].client_for("staff_a").get(pages["urls"][name]).content.decode()
    thai, arabic = digit_classes(html)
    assert arabic, "the page shows numbers"
    assert not thai, f"Thai digits on an Arabic-digit page: {thai[:12]}"


@pytest.mark.parametrize("name", PAGES)
def test_english_pages_use_arabic_digits(pages, name):
    pages["agency"].use_thai_digits = True
    pages["agency"].save()
    client = pages["world"].client_for("staff_a")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    thai, arabic = digit_classes(client.get(pages["urls"][name]).content.decode())
    assert arabic and not thai, thai[:12]


def test_the_check_sees_a_mix(pages):
    """The detector can fail: the same text with both digit sets is found in both lists."""
    thai, arabic = digit_classes("<p>ครั้งที่ ๑</p><p>ครั้งที่ 1</p><p>A0001 https://x.example/1 a1@b.c</p>")
    assert thai == ["ครั้งที่ ๑"] and arabic == ["ครั้งที่ 1"]


def test_the_rule_does_not_outlive_its_request(pages):
    """A page without a rule (the measures list) after a Thai-digit page: no rule leaks over."""
    client = pages["world"].client_for("staff_a")
    client.get(pages["urls"]["meetings"])
    html = client.get(reverse("measures:measure_list", kwargs={"agency_id": pages["agency"].pk, "year": YEAR})).content.decode()
    assert "ปีงบประมาณ 2567" in html
