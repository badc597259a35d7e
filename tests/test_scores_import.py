"""Score import: encodings, digit sets, long and wide layouts, all-or-nothing, idempotence, scope,
and the ``import_scores`` command."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from openpyxl import Workbook

from indicators.importing import ScoreScope, item_code, parse_result, parse_score
from indicators.models import Assessment, AssessmentSource, IndicatorScore, ItemResult
from indicators.services import scores_import
from ita_portal.thai import to_thai_digits
from tests.factories import AgencyFactory, make_framework
from tests.factories_scores import SEED_001_2565

EVERYTHING = ScoreScope(everything=True)


@pytest.fixture
def setup(db):
    framework = make_framework(2565)
    a1 = AgencyFactory(code="10001", name="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร")
    a2 = AgencyFactory(code="10002", name="สำนักงานเขตพื้นที่การศึกษาประถมศึกษามุกดาหาร")
    return framework, a1, a2


def long_csv(thai_headers=True, thai_digits=False, agency_key="code") -> str:
    head = (
        ["รหัสหน่วยงาน" if agency_key == "code" else "ชื่อหน่วยงาน", "ปีงบประมาณ", "ตัวชี้วัดที่", "ข้อ", "คะแนน", "ผล"]
        if thai_headers
        else ["agency_code" if agency_key == "code" else "agency_name", "fiscal_year", "indicator", "item", "score", "result"]
    )
    agency = "10001" if agency_key == "code" else "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร"
    lines = [",".join(head)]
    for number, score in SEED_001_2565.items():
        lines.append(f"{agency},2565,{number},,{score},")
    lines += [f"{agency},2565,,O1,,มี", f"{agency},2565,,O2,,ไม่มี", f"{agency},2565,,O3,,ผ่าน", f"{agency},2565,,O4,,0"]
    text = "\r\n".join(lines) + "\r\n"
    return to_thai_digits(text) if thai_digits else text


def check_seed_imported(agency):
    assessment = Assessment.objects.get(agency=agency)
    scores = {
        s.indicator.number: s.score for s in IndicatorScore.objects.filter(assessment=assessment).select_related("indicator")
    }
    assert scores == {n: Decimal(v) for n, v in SEED_001_2565.items()}
    results = {r.item.code: r.passed for r in ItemResult.objects.filter(assessment=assessment).select_related("item")}
    assert results == {"O1": True, "O2": False, "O3": True, "O4": False}
    assert (assessment.overall_score, assessment.grade, assessment.passed) == (Decimal("93.17"), "A", True)
    assert assessment.source == AssessmentSource.IMPORTED


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp874", "tis-620"])
@pytest.mark.parametrize("thai_digits", [False, True])
def test_long_layout_every_encoding_and_digit_set(setup, encoding, thai_digits):
    _fw, a1, _a2 = setup
    content = long_csv(thai_digits=thai_digits).encode(encoding)
    outcome = scores_import(content=content, filename="scores.csv", scope=EVERYTHING)
    assert outcome.committed, [str(e) for e in outcome.parsed.errors]
    assert outcome.parsed.encoding == {"utf-8": "utf-8", "utf-8-sig": "utf-8-sig"}.get(encoding, "windows-874")
    check_seed_imported(a1)


def test_english_headers_and_agency_by_exact_name(setup):
    _fw, a1, _a2 = setup
    outcome = scores_import(content=long_csv(thai_headers=False, agency_key="name").encode(), scope=EVERYTHING)
    assert outcome.committed, [str(e) for e in outcome.parsed.errors]
    check_seed_imported(a1)


def wide_rows(thai_digits=False):
    header = ["รหัสหน่วยงาน", "ชื่อหน่วยงาน", "ปีงบประมาณ", *[f"ตัวชี้วัดที่ {n}" for n in range(1, 11)], "O1", "O2", "O3", "O4"]
    row1 = ["10001", "", "2565", *[SEED_001_2565[n] for n in range(1, 11)], "มี", "ไม่มี", "1", "ไม่ผ่าน"]
    row2 = ["", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษามุกดาหาร", "2565", *["90"] * 10, "1", "1", "1", "1"]
    rows = [header, row1, row2]
    if thai_digits:
        rows = [[to_thai_digits(c) for c in r] for r in rows]
    return rows


@pytest.mark.parametrize("thai_digits", [False, True])
def test_wide_layout_csv_many_agencies(setup, thai_digits):
    _fw, a1, a2 = setup
    text = "\n".join(",".join(r) for r in wide_rows(thai_digits))
    outcome = scores_import(content=text.encode("cp874"), filename="wide.csv", scope=EVERYTHING)
    assert outcome.committed, [str(e) for e in outcome.parsed.errors]
    assert outcome.parsed.layout == "wide"
    check_seed_imported(a1)
    second = Assessment.objects.get(agency=a2)
    assert second.overall_score == Decimal("90.00") and second.grade == "A"


def to_xlsx(rows, numbers=True) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append([float(c) if numbers and c.replace(".", "", 1).isdigit() and i > 2 else c for i, c in enumerate(r)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_wide_layout_xlsx_with_numeric_cells(setup):
    _fw, a1, _a2 = setup
    outcome = scores_import(content=to_xlsx(wide_rows()), filename="wide.xlsx", scope=EVERYTHING)
    assert outcome.committed, [str(e) for e in outcome.parsed.errors]
    check_seed_imported(a1)


def test_long_layout_xlsx_thai_digits(setup):
    _fw, a1, _a2 = setup
    rows = [line.split(",") for line in long_csv(thai_digits=True).strip().split("\r\n")]
    outcome = scores_import(content=to_xlsx(rows, numbers=False), filename="long.xlsx", scope=EVERYTHING)
    assert outcome.committed, [str(e) for e in outcome.parsed.errors]
    check_seed_imported(a1)


def test_one_bad_row_imports_nothing_and_names_the_row(setup):
    _fw, _a1, _a2 = setup
    lines = long_csv().split("\r\n")
    assert lines[3].startswith("10001,2565,1,")  # indicator 1 is spreadsheet row 4 (the header is row 1)
    lines[3] = lines[3].replace("95.67", "๙๕.๖x")
    outcome = scores_import(content="\r\n".join(lines).encode(), scope=EVERYTHING)
    assert not outcome.committed
    assert [str(e) for e in outcome.parsed.errors] == ["แถวที่ 4: ตัวชี้วัดที่ 1: คะแนน “๙๕.๖x” ไม่ใช่ตัวเลข"]  # quoted as typed
    assert not Assessment.objects.exists() and not IndicatorScore.objects.exists() and not ItemResult.objects.exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("99999,2565,1,,90,", "ไม่พบหน่วยงานรหัส “99999”"),
        ("10001,2565,11,,90,", "ไม่พบตัวชี้วัดที่ “11” ในกรอบการประเมินปี 2565"),
        ("10001,2565,1,,100.5,", "ตัวชี้วัดที่ 1: คะแนน 100.5 ต้องอยู่ระหว่าง 0 ถึง 100"),
        ("10001,2565,,O99,,มี", "ไม่พบข้อ “O99” ในกรอบการประเมินปี 2565"),
        ("10001,2565,,O1,,บางส่วน", "ข้อ O1: ผล “บางส่วน” ต้องเป็น มี/ไม่มี ผ่าน/ไม่ผ่าน หรือ 1/0"),
        ("10001,2560,1,,90,", "ยังไม่มีกรอบการประเมินของปีงบประมาณ 2560"),
        ("10001,2565,10,,90,", "ตัวชี้วัดที่ 10 ซ้ำกับแถวที่ 2"),
    ],
)
def test_row_errors_in_thai(setup, row, message):
    text = long_csv() + row + "\r\n"
    outcome = scores_import(content=text.encode(), scope=EVERYTHING)
    assert not outcome.committed
    assert [e.message for e in outcome.parsed.errors] == [message]
    assert outcome.parsed.errors[0].row == 16
    assert not Assessment.objects.exists()


def test_missing_columns_reported_on_header_row(setup):
    outcome = scores_import(content="ชื่อ,คะแนน\nก,1\n".encode(), scope=EVERYTHING, fiscal_year=2565)
    assert not outcome.committed
    assert outcome.parsed.errors[0].row == 1
    assert "รหัสหน่วยงาน" in outcome.parsed.errors[0].message


def test_reimport_updates_instead_of_duplicating(setup):
    _fw, a1, _a2 = setup
    content = long_csv().encode()
    assert scores_import(content=content, scope=EVERYTHING).committed
    assert scores_import(content=content, scope=EVERYTHING).committed
    assert Assessment.objects.count() == 1 and IndicatorScore.objects.count() == 10 and ItemResult.objects.count() == 4
    changed = long_csv().replace("2565,9,,86.28", "2565,9,,70").encode()
    assert scores_import(content=changed, scope=EVERYTHING).committed
    assert IndicatorScore.objects.count() == 10
    assessment = Assessment.objects.get(agency=a1)
    assert IndicatorScore.objects.get(assessment=assessment, indicator__number=9).score == Decimal("70.00")
    assert assessment.overall_score == Decimal("89.91")  # 27.489 (IIT) + 28.423 (EIT) + 34 (OIT (70+100)/2 × 0.4)


def test_year_parameter_and_year_column_must_agree(setup):
    outcome = scores_import(content=long_csv().encode(), scope=EVERYTHING, fiscal_year=2566)
    assert not outcome.committed
    assert outcome.parsed.errors[0].message == "ปีงบประมาณ 2565 ไม่ตรงกับปีที่นำเข้า (2566)"


def test_scope_rows_for_other_agencies_are_errors(setup):
    _fw, a1, a2 = setup
    text = long_csv() + "10002,2565,1,,90,\r\n"
    outcome = scores_import(content=text.encode(), scope=ScoreScope(ids=frozenset({a1.pk})))
    assert not outcome.committed
    assert [str(e) for e in outcome.parsed.errors] == [f"แถวที่ 16: ไม่มีสิทธิ์นำเข้าคะแนนของ {a2.name}"]


def test_value_parsers():
    assert parse_score("๙๕.๖๗") == Decimal("95.67")
    assert parse_score("100") == Decimal("100.00")
    with pytest.raises(ValueError, match="ทศนิยมเกิน 2 ตำแหน่ง"):
        parse_score("84.995")
    assert parse_result("มี") is True and parse_result("ไม่ผ่าน") is False and parse_result("๑") is True
    assert item_code("ข้อ o๐๑๒") == "O12" and item_code("ตัวชี้วัด") is None


def test_command_dry_run_and_commit(setup, tmp_path, capsys):
    _fw, a1, _a2 = setup
    path = tmp_path / "scores.csv"
    path.write_bytes(long_csv().encode("cp874"))
    call_command("import_scores", str(path), "--fiscal-year", "2565", "--dry-run")
    assert not Assessment.objects.exists()
    assert "ตรวจแล้ว" in capsys.readouterr().out
    call_command("import_scores", str(path), "--fiscal-year", "๒๕๖๕", "--assessor", "nacc")
    check_seed_imported(a1)


def test_command_bad_file_exits_non_zero_and_prints_rows(setup, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(long_csv() + "99999,2565,1,,90,\r\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        call_command("import_scores", str(path))
    assert exc.value.code == 1
    err = capsys.readouterr().err
    assert "แถวที่ 16: ไม่พบหน่วยงานรหัส “99999”" in err
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("layout", ["long", "wide"])
def test_fixture_templates_fill_and_import(setup, layout):
    """The static examples in fixtures/templates/ are real, importable files once filled in."""
    from pathlib import Path

    make_framework(2566, oit_items=43)
    path = Path(__file__).resolve().parent.parent / "fixtures" / "templates" / f"ita-scores-{layout}.csv"
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[0]
    for row in rows[1:]:
        if layout == "wide":
            for i, name in enumerate(header):
                if name.startswith("ตัวชี้วัดที่ "):
                    row[i] = SEED_001_2565[int(name.split()[1])]
                elif name.startswith("O"):
                    row[i] = "มี"
        elif row[3]:
            row[5] = SEED_001_2565[int(row[3])]
        else:
            row[6] = "มี"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    outcome = scores_import(content=buffer.getvalue().encode("cp874"), scope=EVERYTHING)
    assert outcome.committed, [str(e) for e in outcome.parsed.errors]
    assert outcome.parsed.summary()["item_results"] == 43
    assessment = Assessment.objects.get(framework__fiscal_year=2566)
    assert assessment.overall_score == Decimal("93.17")


@pytest.mark.postgres
def test_postgres_copy_path_upserts_and_keeps_urls(setup, settings):
    """On PostgreSQL the import streams rows with COPY; run with DATABASE_URL=postgres://…"""
    from django.db import connection

    from tests.conftest import in_ci

    if connection.vendor != "postgresql":
        if in_ci():
            pytest.fail("CI must run this test on PostgreSQL")
        pytest.skip("needs DATABASE_URL=postgres://…")
    _fw, a1, _a2 = setup
    with_url = long_csv().replace("ตัวชี้วัดที่,ข้อ,คะแนน,ผล", "ตัวชี้วัดที่,ข้อ,คะแนน,ผล,url,หมายเหตุ")
    with_url = with_url.replace(",,มี\r\n", ',,มี,https://example.go.th/o1,"มี, ครบถ้วน"\r\n', 1)
    assert scores_import(content=with_url.encode(), scope=EVERYTHING).committed
    assert scores_import(content=long_csv().encode(), scope=EVERYTHING).committed  # no url column: keeps them
    result = ItemResult.objects.get(assessment__agency=a1, item__number=1)
    assert (result.url, result.remark, result.passed) == ("https://example.go.th/o1", "มี, ครบถ้วน", True)
    check_seed_imported(a1)


def test_real_catalogue_2566_wide_file_and_national_framework_first(db):
    """The catalogue files (fixtures/frameworks) load, and a wide file with their 43 O-codes imports."""
    from indicators.selectors import framework_for

    call_command("load_framework", "--all", verbosity=0)
    agency = AgencyFactory(code="20001")
    header = ["รหัสหน่วยงาน", "ปีงบประมาณ", *[f"ตัวชี้วัดที่ {n}" for n in range(1, 11)], *[f"O{n}" for n in range(1, 44)]]
    row = ["20001", "๒๕๖๖", *[SEED_001_2565[n] for n in range(1, 11)], *["มี"] * 41, "ไม่มี", "มี"]
    content = (",".join(header) + "\n" + ",".join(row) + "\n").encode("cp874")
    outcome = scores_import(content=content, scope=EVERYTHING)
    assert outcome.committed, [str(e) for e in outcome.parsed.errors]
    assessment = Assessment.objects.get(agency=agency)
    assert assessment.framework.assessor.code == "nacc" and assessment.overall_score == Decimal("93.17")
    failed = ItemResult.objects.get(assessment=assessment, passed=False)
    assert failed.item.code == "O42" and failed.item.stable_key == "integrity-measures"
    # 2567 holds only a ministry variant: it is found; asked by code, each assessor is found.
    moe = framework_for(2567)
    assert moe is not None and moe.assessor.code == "moe-ops"
    assert framework_for(2566).assessor.code == "nacc" and framework_for(2566, "moe-ops") is None
    from indicators.models import Assessor, Framework

    Framework.objects.create(fiscal_year=2567, assessor=Assessor.objects.get(code="nacc"), name="ITA 2567")
    assert framework_for(2567).assessor.code == "nacc"  # the national one comes first
    assert framework_for(2567, "moe-ops").assessor.code == "moe-ops"
