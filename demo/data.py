"""The demo data set (``fixtures/demo/``), drawn from the five seed documents, and its loader.

``demo_load()`` is idempotent: agencies are matched by code (and updated to the file), divisions by
name, users by username, memberships by user and agency, assessments by agency and framework
(scores re-saved), measures by agency, year and title (with their weakness, steps and progress),
follow-up meetings by agency, year, start and title, reports by agency, year and kind. Everything is
written through the services of each app (``agencies.services``, ``indicators.services``,
``measures.services``, ``reports.services``), in one transaction.

Reports: ศธจ.ร้อยเอ็ด's measures plan of FY 2567 (seed 003) goes through its routing chain (the head
of กลุ่มบริหารงานบุคคล writes his note and forwards it); it and ศธจ.สุโขทัย's results report of
FY 2566 (seed 004) are submitted, approved by their directors (signature images drawn for the demo
people, PAdES-signed with each agency's generated key), their frozen PDFs rendered at once
and published (``public/OPS-ROIET/2567/``, ``public/OPS-SUKHOTHAI/2566/``); สพป.สมุทรสาคร's
monitoring report of FY 2566 (seed 000) and its results report of FY 2566 (seed 001) are drafts
with a review PDF. ``DEMO_REPORT_PARTS`` sets what each seed prints beyond memo and table (cover
page, บทสรุป, grade legend, distribution list, "สำเนาถูกต้อง", the label above the signature).

Every demo login uses the one password in ``fixtures/demo/agencies.json`` (``ita-demo-2567``).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from demo.cycle import load_cycle
from indicators.catalogue import framework_load_file
from indicators.models import Framework, Item
from indicators.services import assessment_save_scores
from ita_portal.agencies.models import Agency, Division, Membership
from ita_portal.agencies.services import agency_create, agency_update, division_create, membership_create, user_create
from ita_portal.thai import parse_be_date
from measures.models import FollowUp, FollowUpStatus, Measure
from measures.services import followup_create, followup_record_minutes, measure_create, progress_record, weakness_create
from reports import services as report_services
from reports.models import Report

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
FRAMEWORKS_DIR = Path(settings.BASE_DIR) / "fixtures" / "frameworks"
BANGKOK = ZoneInfo("Asia/Bangkok")
AGENCY_FIELDS = ("short_name", "doc_prefix", "phone", "head_title")
MEASURE_TEXT_FIELDS = (
    "issue_heading",
    "kind",
    "weakness_text",
    "improvement_text",
    "responsible_note",
    "period_text",
    "limitations",
    "monitoring_approach",
    # Seed 002's group headers and seed 000's other acknowledging signer, where a row has them.
    "national_strategy",
    "strategy",
    "project",
    "ack_signer_name",
    "ack_signer_position",
    "ack_signer_label",
)
PROGRESS_FIELDS = ("percent_complete", "result_summary", "outcome", "obstacles", "suggestions")

User = get_user_model()


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str
    agency: str
    person: str


def _read(name: str) -> dict:
    return json.loads((DEMO_DIR / name).read_text(encoding="utf-8"))


def _when(date_text: str, time_text: str) -> dt.datetime:
    hour, minute = (int(p) for p in time_text.split(":"))
    return dt.datetime.combine(parse_be_date(date_text), dt.time(hour, minute), tzinfo=BANGKOK)


def _framework(fiscal_year: int, assessor: str) -> Framework:
    """The catalogue the demo needs, loaded from ``fixtures/frameworks`` when it is not there yet."""
    framework = Framework.objects.filter(fiscal_year=fiscal_year, assessor__code=assessor).first()
    return framework or framework_load_file(path=FRAMEWORKS_DIR / f"{assessor}-{fiscal_year}.json")


def _load_agencies(data: dict) -> tuple[dict[str, Agency], dict[tuple[str, str], Division]]:
    agencies: dict[str, Agency] = {}
    for row in data["agencies"]:
        fields = {key: row.get(key, "") for key in AGENCY_FIELDS}
        fields["allow_self_approval"] = bool(row.get("allow_self_approval", False))
        parent = agencies[row["parent"]] if row.get("parent") else None
        agency = Agency.objects.filter(code=row["code"]).first()
        if agency is None:
            agency = agency_create(
                name=row["name"], code=row["code"], kind=row["kind"], parent=parent, use_thai_digits=True, **fields
            )
        else:
            wanted = {"name": row["name"], "kind": row["kind"], "parent": parent, **fields}
            if any(getattr(agency, key) != value for key, value in wanted.items()):
                agency = agency_update(agency=agency, **wanted)
        agencies[row["code"]] = agency
    divisions: dict[tuple[str, str], Division] = {}
    for code, names in data["divisions"].items():
        agency = agencies[code]
        for order, name in enumerate(names, 1):
            division = Division.objects.filter(agency=agency, name=name).first() or division_create(
                agency=agency, name=name, order=order
            )
            divisions[(code, name)] = division
    return agencies, divisions


def _load_users(data: dict, agencies: dict[str, Agency], divisions: dict) -> tuple[dict[str, Membership], list[DemoLogin]]:
    password = data["password"]
    members: dict[str, Membership] = {}
    logins: list[DemoLogin] = []
    for row in data["users"]:
        user = User.objects.filter(username=row["username"]).first() or user_create(
            username=row["username"], password=password, email=f"{row['username']}@example.go.th"
        )
        agency = agencies[row["agency"]]
        membership = Membership.objects.filter(user=user, agency=agency).first() or membership_create(
            user=user,
            agency=agency,
            role=row["role"],
            name_title=row["name_title"],
            first_name_th=row["first_name_th"],
            last_name_th=row["last_name_th"],
            position_title=row["position_title"],
            division=divisions[(row["agency"], row["division"])] if row.get("division") else None,
        )
        members[row["username"]] = membership
        logins.append(
            DemoLogin(
                row["username"],
                password,
                membership.get_role_display(),
                agency.display_short,
                f"{membership.full_name} {membership.position_title}".strip(),
            )
        )
    root = data["superuser"]
    superuser = User.objects.filter(username=root["username"]).first()
    if superuser is None:
        superuser = user_create(
            username=root["username"],
            password=password,
            email=f"{root['username']}@example.go.th",
            first_name=root["first_name"],
            is_superuser=True,
        )
    logins.append(DemoLogin(root["username"], password, "ผู้ดูแลระบบ (superuser)", "ทุกหน่วยงาน", root["first_name"]))
    return members, logins


def _load_scores(data: dict, agencies: dict[str, Agency], members: dict[str, Membership]) -> None:
    for row in data["assessments"]:
        framework = _framework(row["fiscal_year"], row["assessor"])
        ids = dict(framework.indicators.values_list("number", "pk"))
        assessment_save_scores(
            agency=agencies[row["agency"]],
            framework=framework,
            scores={ids[int(number)]: Decimal(str(score)) for number, score in row["scores"].items()},
            note=row.get("note", ""),
        )


def _load_measures(data: dict, agencies: dict[str, Agency], divisions: dict, members: dict[str, Membership]) -> None:
    for plan in data["plans"]:
        code, year = plan["agency"], plan["fiscal_year"]
        agency, user = agencies[code], members[plan["user"]].user
        framework = _framework(plan["framework"]["fiscal_year"], plan["framework"]["assessor"]) if plan.get("framework") else None
        for row in plan["measures"]:
            if Measure.objects.filter(agency=agency, fiscal_year=year, title=row["title"]).exists():
                continue
            item = indicator = None
            if row.get("item"):
                kind, number = row["item"][0], int(row["item"][1:])
                item = Item.objects.select_related("indicator").get(framework=framework, kind=kind, number=number)
                indicator = item.indicator
            elif row.get("indicator"):
                indicator = framework.indicators.get(number=row["indicator"])
            weakness = None
            if row.get("weakness_kind"):
                weakness = weakness_create(
                    agency=agency,
                    fiscal_year=year,
                    kind=row["weakness_kind"],
                    title=row["weakness_text"],
                    analysis=row.get("improvement_text", ""),
                    indicator=indicator,
                    item=item,
                    user=user,
                )
            measure = measure_create(
                agency=agency,
                fiscal_year=year,
                title=row["title"],
                user=user,
                weakness=weakness,
                indicator=indicator,
                items=[item] if item else [],
                steps=row["steps"],
                responsible_divisions=[divisions[(code, name)] for name in row["responsible_divisions"]],
                responsible_people=[members[username] for username in row["responsible_people"]],
                start_date=parse_be_date(row["start_date"]),
                end_date=parse_be_date(row["end_date"]),
                **{key: row.get(key, "") for key in MEASURE_TEXT_FIELDS},
            )
            for progress in row.get("progress", []):
                progress_record(
                    measure=measure,
                    reported_on=parse_be_date(progress["reported_on"]),
                    status=progress["status"],
                    user=user,
                    budget_spent=Decimal(str(progress.get("budget_spent", 0))),
                    **{key: progress[key] for key in PROGRESS_FIELDS if key in progress},
                )
        _load_meetings(agency, year, plan.get("followups", []), divisions, code, user)


def _load_meetings(
    agency: Agency, year: int, meetings: list[dict], divisions: dict, code: str, user, held_minutes: str = ""
) -> None:
    for row in meetings:
        starts_at = _when(row["date"], row["time"])
        followup = FollowUp.objects.filter(
            agency=agency, fiscal_year=year, measure=None, starts_at=starts_at, title=row["title"]
        ).first()
        if followup is None:
            followup = followup_create(
                agency=agency,
                fiscal_year=year,
                starts_at=starts_at,
                title=row["title"],
                agenda=row.get("agenda", ""),
                responsible_divisions=[divisions[(code, name)] for name in row.get("responsible_divisions", [])],
                user=user,
            )
        if held_minutes and followup.status == FollowUpStatus.SCHEDULED:
            followup_record_minutes(followup=followup, minutes=held_minutes, held=True)


def _load_calendar(data: dict, agencies: dict[str, Agency], divisions: dict, members: dict[str, Membership]) -> None:
    code = data["agency"]
    _load_meetings(
        agencies[code], data["fiscal_year"], data["meetings"], divisions, code, members[data["user"]].user, data["held_minutes"]
    )


#: The demo's reports: (agency code, fiscal year, kind, drafter, director or None for a draft, document date).
DEMO_REPORTS = (
    ("OPS-ROIET", 2567, "measures_plan", "roiet_staff", "roiet_director", dt.date(2024, 6, 7)),
    # Seed 004's results are ศธจ.สุโขทัย's; its director drafts and approves (the agency allows it).
    ("OPS-SUKHOTHAI", 2566, "results", "sukhothai_director", "sukhothai_director", dt.date(2023, 9, 20)),
    ("OBEC-SKN-P", 2566, "monitoring", "sks_staff", None, None),
    # Seed 001 is สพป.สมุทรสาคร's results of FY 2566 (cover page, บทสรุป, grade legend): a draft.
    ("OBEC-SKN-P", 2566, "results", "sks_staff", None, None),
)
#: Routing chains: (agency code, kind) → [(reviewer, the note written when forwarding)], then the director.
DEMO_CHAINS = {
    ("OPS-ROIET", "measures_plan"): [
        ("roiet_hr_head", "เพื่อโปรดทราบ\nกลุ่มบริหารงานบุคคลตรวจสอบมาตรการแล้ว\nและขอเสนอ ศธจ.ร้อยเอ็ด เพื่อโปรดพิจารณา"),
    ],
}
#: What the seeds print beyond memo and table, per demo report (reports.documents.seed_parts).
DEMO_REPORT_PARTS = {
    # Seed 004: "ผู้บริหาร" above the head's signature.
    ("OPS-SUKHOTHAI", "results"): {"head_signature_label": "ผู้บริหาร"},
    # Seed 000: both pairs of tick columns, the distribution list, "สำเนาถูกต้อง" under the attachment.
    ("OBEC-SKN-P", "monitoring"): {
        "status_columns": "all",
        "distribution": "นายมารุต อุปนิสากร\nนายสุวิทย์ งามนิตย์",
        "certified_by_name": "นายมารุต อุปนิสากร",
        "certified_by_position": "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร",
    },
    # Seed 001: cover page, บทสรุป, the grade legend and the period column.
    ("OBEC-SKN-P", "results"): {
        "title": "รายงานผลการดำเนินการ\nเพื่อส่งเสริมคุณธรรมและความโปร่งใสภายในหน่วยงาน\nของสำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร",
        "cover_page": True,
        "cover_lines": "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร\nสำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน\nกระทรวงศึกษาธิการ",
        "summary": (
            "แผนปฏิบัติการป้องกันการทุจริต สำนักงานเขตพื้นที่การศึกษาประถมศึกษาสมุทรสาคร ประจำปีงบประมาณ พ.ศ. ๒๕๖๖ "
            "มีการกำหนดแผนงาน/โครงการ/กิจกรรม เพื่อให้ข้าราชการครู บุคลากรทางการศึกษา พนักงานราชการและลูกจ้าง "
            "ได้รับการปลูกฝังและมีจิตสำนึกร่วมกันในการป้องกันและต่อต้านการทุจริตทุกรูปแบบ\n\n"
            "ผลการดำเนินโครงการ/กิจกรรม ตามแผนปฏิบัติการป้องกันการทุจริตฯ เป็นไปด้วยความเรียบร้อยและบรรลุวัตถุประสงค์"
            "ที่กำหนดไว้ ด้วยความร่วมมือกันทุกฝ่าย ไม่มีการทุจริตเกิดขึ้นในหน่วยงาน และหวังเป็นอย่างยิ่งว่าในปีต่อ ๆ ไป "
            "จะสามารถยกระดับคุณธรรมและความโปร่งใสในหน่วยงานให้อยู่ในระดับที่สูงขึ้นอย่างต่อเนื่อง"
        ),
        "show_grade_legend": True,
        "results_plan_table": True,
        "results_period_column": True,
    },
}
#: Demo people who get a drawn signature image (printed only on what they signed off).
DEMO_SIGNERS = ("roiet_staff", "roiet_hr_head", "roiet_director", "sukhothai_director")


def _load_reports(agencies: dict[str, Agency], members: dict[str, Membership]) -> None:
    from reports.demo_signing import demo_chain, demo_signatures

    demo_signatures([members[u] for u in DEMO_SIGNERS])
    for (code, kind), steps in DEMO_CHAINS.items():
        director = next(m for m in members.values() if m.agency.code == code and m.role == "director")
        demo_chain(agency=agencies[code], kind=kind, reviewers=[members[u] for u, _note in steps], director=director)
    for code, year, kind, drafter, director, doc_date in DEMO_REPORTS:
        agency = agencies[code]
        if Report.objects.filter(agency=agency, fiscal_year=year, kind=kind).exists():
            continue
        staff = members[drafter].user
        data = {"doc_date": doc_date} if doc_date else {}
        report = report_services.report_create(
            agency=agency, year=year, kind=kind, actor=staff, data={**data, **DEMO_REPORT_PARTS.get((code, kind), {})}
        )
        if director is None:
            review = report_services.rendition_request(report=report, actor=staff)
            report_services.rendition_render(rendition_id=review.pk)
            continue
        head = members[director].user
        report = report_services.report_submit(report=report, actor=staff)
        for reviewer, note in DEMO_CHAINS.get((code, kind), []):
            report = report_services.report_forward(report=report, actor=members[reviewer].user, note=note)
        report = report_services.report_approve(
            report=report,
            actor=head,
            decision="อนุญาต",
            note="เห็นควรเผยแพร่ทางเว็บไซต์",
            endorsed_on=doc_date,  # the seed's director dates it with the memo, not the day of loading
        )
        final = report.renditions.get(is_final=True)
        report_services.rendition_render(rendition_id=final.pk)  # at once: publishing needs the frozen PDF
        report_services.report_publish(report=report, actor=head)


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    """Load (or bring up to date) the whole demo data set; returns the demo logins to print."""
    agency_data = _read("agencies.json")
    agencies, divisions = _load_agencies(agency_data)
    members, logins = _load_users(agency_data, agencies, divisions)
    _load_scores(_read("scores.json"), agencies, members)
    _load_measures(_read("measures.json"), agencies, divisions, members)
    _load_calendar(_read("calendar.json"), agencies, divisions, members)
    _load_reports(agencies, members)
    # The current cycle (2568/2569 results, 2570 plan): made-up demo data, see fixtures/demo/README.md.
    load_cycle(_read("cycle.json"), agencies, divisions, members, load=_framework, when=_when)
    return logins
