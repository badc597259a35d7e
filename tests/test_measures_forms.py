"""Form validation of the measures screens: BE/CE dates, reversed periods, negative money,
oversize and disguised uploads, and the Thai messages people see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict

from ita_portal.forms_thai import ThaiDateField
from measures.forms.followups import FollowUpForm, GenerateForm
from measures.forms.measures import MeasureForm
from measures.forms.progress import EvidenceForm, ProgressForm, parse_links
from measures.uploads import sniff
from tests.factories import AgencyFactory, DivisionFactory, WeaknessFactory
from tests.factories_measures import (
    EXE_BYTES,
    PDF_BYTES,
    PNG_BYTES,
    docx_bytes,
    ole_doc_bytes,
    upload,
    xlsx_bytes,
    zip_of_scripts,
)


class TestThaiDateField:
    @pytest.mark.parametrize(
        "typed, expected",
        [
            ("๑๕/๐๖/๒๕๖๗", dt.date(2024, 6, 15)),
            ("15/6/2567", dt.date(2024, 6, 15)),
            ("30.5.2567", dt.date(2024, 5, 30)),
            ("๓๐/๕/๖๗", dt.date(2024, 5, 30)),
            ("1 มิ.ย. 2567", dt.date(2024, 6, 1)),
        ],
    )
    def test_accepts_be_dates(self, typed, expected):
        assert ThaiDateField().clean(typed) == expected

    def test_rejects_ce_year_naming_the_be_year(self):
        with pytest.raises(ValidationError) as exc:
            ThaiDateField().clean("15/6/2024")
        assert exc.value.messages == ["ปี 2024 เป็นปีคริสต์ศักราช กรุณาระบุปีพุทธศักราช (น่าจะเป็น 15/06/2567)"]

    def test_rejects_ce_iso_date_never_silently(self):
        with pytest.raises(ValidationError) as exc:
            ThaiDateField().clean("2024-12-02")
        assert exc.value.messages == ["ปี 2024 เป็นปีคริสต์ศักราช กรุณาระบุปีพุทธศักราช (น่าจะเป็น 02/12/2567)"]

    def test_rejects_impossible_date(self):
        with pytest.raises(ValidationError) as exc:
            ThaiDateField().clean("31/6/2567")
        assert "ไม่มีวันที่" in exc.value.messages[0]

    def test_rejects_garbage_with_thai_hint(self):
        with pytest.raises(ValidationError) as exc:
            ThaiDateField().clean("พรุ่งนี้")
        assert "วัน/เดือน/ปี พ.ศ." in exc.value.messages[0]

    def test_renders_dates_in_be(self):
        assert ThaiDateField().widget.format_value(dt.date(2024, 6, 15)) == "15/06/2567"


def _measure_data(**over):
    data = {"title": "จัดทำคู่มือการปฏิบัติงาน", "budget_planned": "0", "start_date": "1/5/2567", "end_date": "15/7/2567"}
    data.update(over)
    return data


@pytest.mark.django_db
class TestMeasureForm:
    def test_valid_with_be_dates(self):
        agency = AgencyFactory()
        form = MeasureForm(_measure_data(), agency=agency, fiscal_year=2567)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["start_date"] == dt.date(2024, 5, 1)
        assert form.cleaned_data["end_date"] == dt.date(2024, 7, 15)

    def test_reversed_period(self):
        form = MeasureForm(_measure_data(start_date="15/7/2567", end_date="1/5/2567"), agency=AgencyFactory(), fiscal_year=2567)
        assert not form.is_valid()
        assert form.errors["end_date"] == ["วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น"]

    def test_ce_year_in_period(self):
        form = MeasureForm(_measure_data(start_date="1/5/2024"), agency=AgencyFactory(), fiscal_year=2567)
        assert not form.is_valid()
        assert "ปีคริสต์ศักราช" in form.errors["start_date"][0]

    def test_negative_budget(self):
        form = MeasureForm(_measure_data(budget_planned="-1"), agency=AgencyFactory(), fiscal_year=2567)
        assert not form.is_valid()
        assert form.errors["budget_planned"] == ["จำนวนเงินต้องไม่ติดลบ"]

    def test_title_required_in_thai(self):
        form = MeasureForm(_measure_data(title=""), agency=AgencyFactory(), fiscal_year=2567)
        assert not form.is_valid()
        assert form.errors["title"] == ["กรุณาระบุชื่อมาตรการ"]

    def test_choices_scoped_to_agency(self):
        agency, other = AgencyFactory(), AgencyFactory()
        mine, theirs = DivisionFactory(agency=agency), DivisionFactory(agency=other)
        w_other = WeaknessFactory(agency=other)
        form = MeasureForm(_measure_data(responsible_divisions=[theirs.pk], weakness=w_other.pk), agency=agency, fiscal_year=2567)
        assert not form.is_valid()
        assert "responsible_divisions" in form.errors and "weakness" in form.errors
        assert list(form.fields["responsible_divisions"].queryset) == [mine]

    def test_steps_one_per_line(self):
        form = MeasureForm(
            _measure_data(steps_text="๑. แต่งตั้งคณะทำงาน\n\n๒. เผยแพร่บนเว็บไซต์\n"), agency=AgencyFactory(), fiscal_year=2567
        )
        assert form.is_valid()
        assert form.steps() == ["แต่งตั้งคณะทำงาน", "เผยแพร่บนเว็บไซต์"]


def _progress_form(data=None, files=None):
    base = {"reported_on": "30/6/2567", "status": "done", "budget_spent": "21000"}
    base.update(data or {})
    return ProgressForm(base, MultiValueDict(files or {}))


@pytest.mark.django_db
class TestProgressForm:
    def test_valid_with_files_and_links(self):
        form = _progress_form(
            {"links_text": "https://www.example.go.th/ita/o14 คู่มือการปฏิบัติงาน\nhttps://example.go.th/2"},
            {"files": [upload("report.pdf", PDF_BYTES), upload("รูป.png", PNG_BYTES)]},
        )
        assert form.is_valid(), form.errors
        assert len(form.cleaned_data["files"]) == 2
        assert form.links == [("https://www.example.go.th/ita/o14", "คู่มือการปฏิบัติงาน"), ("https://example.go.th/2", "")]

    def test_negative_budget_spent(self):
        form = _progress_form({"budget_spent": "-500"})
        assert not form.is_valid()
        assert form.errors["budget_spent"] == ["จำนวนเงินต้องไม่ติดลบ"]

    def test_status_required(self):
        form = _progress_form({"status": ""})
        assert not form.is_valid()
        assert form.errors["status"] == ["กรุณาเลือกสถานะการดำเนินการ"]

    def test_percent_over_100(self):
        form = _progress_form({"percent_complete": "120"})
        assert not form.is_valid()
        assert "ไม่เกิน 100" in form.errors["percent_complete"][0]

    def test_disguised_exe_refused(self):
        form = _progress_form(files={"files": [upload("รายงาน.pdf", EXE_BYTES, "application/pdf")]})
        assert not form.is_valid()
        message = form.errors["files"][0]
        assert message.startswith("รายงาน.pdf: ไฟล์นี้ไม่ใช่ชนิดที่รับได้ (ตรวจจากเนื้อไฟล์")

    def test_oversize_refused(self, settings):
        settings.EVIDENCE_MAX_BYTES = 1024
        form = _progress_form(files={"files": [upload("big.pdf", PDF_BYTES + b"0" * 2000)]})
        assert not form.is_valid()
        assert "เกินขนาดสูงสุดที่รับได้" in form.errors["files"][0]

    def test_bad_link_line(self):
        form = _progress_form({"links_text": "www.example.go.th"})
        assert not form.is_valid()
        assert form.errors["links_text"] == ["บรรทัดที่ 1: ลิงก์ไม่ถูกต้อง (ต้องขึ้นต้นด้วย http:// หรือ https://)"]


class TestSniffing:
    @pytest.mark.parametrize(
        "content, ext",
        [
            (PDF_BYTES, "pdf"),
            (PNG_BYTES, "png"),
            (docx_bytes(), "docx"),
            (xlsx_bytes(), "xlsx"),
            (ole_doc_bytes(), "doc"),
        ],
    )
    def test_accepted_by_content(self, content, ext):
        assert sniff(upload("whatever.bin", content)).extension == ext

    @pytest.mark.parametrize("content", [EXE_BYTES, zip_of_scripts(), b"<html><script>alert(1)</script></html>", b"plain text"])
    def test_refused_whatever_the_name(self, content):
        with pytest.raises(ValidationError):
            sniff(upload("document.pdf", content))

    def test_parse_links_reports_line_numbers(self):
        links, errors = parse_links("https://a.example\n\nnot a url")
        assert links == [("https://a.example", "")]
        assert errors == ["บรรทัดที่ 3: ลิงก์ไม่ถูกต้อง (ต้องขึ้นต้นด้วย http:// หรือ https://)"]


@pytest.mark.django_db
class TestEvidenceForm:
    def test_file_or_link_required(self):
        form = EvidenceForm({"title": "x"}, {})
        assert not form.is_valid()
        assert form.non_field_errors() == ["กรุณาเลือกไฟล์หรือระบุลิงก์อย่างใดอย่างหนึ่ง"]

    def test_disguised_file(self):
        form = EvidenceForm({}, {"file": upload("photo.jpg", EXE_BYTES)})
        assert not form.is_valid()
        assert "ไม่ใช่ชนิดที่รับได้" in form.errors["file"][0]


@pytest.mark.django_db
class TestFollowUpForms:
    def test_meeting_time_order(self):
        form = FollowUpForm(
            {"date": "๑๕/๐๖/๒๕๖๗", "start_time": "13.30", "end_time": "09:00"}, agency=AgencyFactory(), fiscal_year=2567
        )
        assert not form.is_valid()
        assert form.errors["end_time"] == ["เวลาสิ้นสุดต้องไม่ก่อนเวลาเริ่ม"]

    def test_meeting_in_bangkok_time(self):
        form = FollowUpForm({"date": "15/6/2567", "start_time": "09.30"}, agency=AgencyFactory(), fiscal_year=2567)
        assert form.is_valid(), form.errors
        starts = form.service_kwargs()["starts_at"]
        assert starts.isoformat() == "2024-06-15T09:30:00+07:00"

    def test_generator_reversed_and_zero_days(self):
        form = GenerateForm(
            {"start": "15/7/2567", "end": "30/5/2567", "mode": "every", "every_days": "0", "start_time": "09:00"},
            agency=AgencyFactory(),
            fiscal_year=2567,
        )
        assert not form.is_valid()
        assert form.errors["end"] == ["วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้น"]
        assert form.errors["every_days"] == ["จำนวนวันต้องอย่างน้อย 1 วัน"]


@pytest.mark.django_db
def test_generator_days_of_month_thai_digits():
    form = GenerateForm(
        {"start": "30/5/2567", "end": "15/7/2567", "mode": "monthly", "days_of_month": "๑๕ และ ๓๐", "start_time": "09:00"},
        agency=AgencyFactory(),
        fiscal_year=2567,
    )
    assert form.is_valid(), form.errors
    kwargs = form.service_kwargs()
    assert kwargs["days_of_month"] == [15, 30] and kwargs["every_days"] is None
    empty = GenerateForm(
        {"start": "30/5/2567", "end": "15/7/2567", "mode": "monthly", "start_time": "09:00"},
        agency=AgencyFactory(),
        fiscal_year=2567,
    )
    assert not empty.is_valid()
    assert empty.errors["days_of_month"] == ["กรุณาระบุวันที่ของเดือน เช่น 15, 30"]
