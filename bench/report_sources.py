"""The report sources the PDF benchmarks render: the five kinds, from demo-like data (2 measures)
and a large set (40 measures), approved, in a throw-away test database (bench_reports.py,
bench_pdf_patch.py)."""

from __future__ import annotations


def approved_sources() -> list[tuple[str, str, dict]]:
    """(set label, kind, source data) for every kind of both sets."""
    from django.test.utils import setup_databases, setup_test_environment

    setup_test_environment()
    setup_databases(verbosity=0, interactive=False)

    from ita_portal.agencies.models import Role
    from reports import services
    from reports.documents import build_source
    from reports.models import ReportKind
    from tests.factories import AgencyFactory, DivisionFactory, MembershipFactory, UserFactory
    from tests.factories_reports import make_demo_data

    sources = []
    for label, measures in (("demo", 2), ("large", 40)):
        agency = AgencyFactory(name=f"สำนักงานเขตพื้นที่การศึกษาประถมศึกษาทดสอบ ({label})", head_title="ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา")
        division = DivisionFactory(agency=agency, name="กลุ่มนิเทศ ติดตามและประเมินผลการจัดการศึกษา")
        staff, director = UserFactory(username=f"staff-{label}"), UserFactory(username=f"director-{label}")
        MembershipFactory(
            user=staff, agency=agency, role=Role.STAFF, division=division, first_name_th="ทวิกา", last_name_th="บำรุงสวัสดิ์"
        )
        MembershipFactory(user=director, agency=agency, role=Role.DIRECTOR, first_name_th="มารุต", last_name_th="อุปนิสากร")
        make_demo_data(agency, 2567, measures=measures, division=division)
        for kind in ReportKind.values:
            data = {"quarter": 3} if kind == ReportKind.QUARTERLY else {}
            report = services.report_create(agency=agency, year=2567, kind=kind, actor=staff, data=data)
            report = services.report_submit(report=report, actor=staff)
            report = services.report_approve(report=report, actor=director)
            sources.append((label, kind, build_source(report)))
    return sources
