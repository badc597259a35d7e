"""Generated agencies for the page benchmark: the demo grown by N agencies under สพฐ. (OBEC).

Each generated agency gets a staff member and a director (with logins), two divisions, two years of
national ITA scores (2565 and 2566: every indicator and every item), and for each of those years
two weaknesses, three measures with four steps each, two progress updates per measure and three
follow-up meetings — with their change history, as the services would have left it. Written in
bulk (a few seconds per hundred agencies); the figures of the pages are what matters, not the
loader.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from indicators.grading import grade_for, passed
from indicators.models import Assessment, AssessmentSource, Framework, IndicatorScore, ItemKind, ItemResult
from ita_portal.agencies.models import Agency, AgencyKind, Division, Membership, Role
from measures.models import FollowUp, FollowUpStatus, Measure, MeasureStatus, MeasureStep, ProgressUpdate, Weakness

PREFIX = "BENCH-"
YEARS = (2565, 2566)
BANGKOK = ZoneInfo("Asia/Bangkok")
STATUSES = [MeasureStatus.NOT_STARTED, MeasureStatus.IN_PROGRESS, MeasureStatus.DONE]


def generated_count() -> int:
    return Agency.objects.filter(code__startswith=PREFIX).count()


def _agencies(start: int, stop: int) -> list[Agency]:
    parent = Agency.objects.get(code="OBEC")
    Agency.objects.bulk_create(
        Agency(
            code=f"{PREFIX}{n:05d}",
            name=f"สำนักงานเขตพื้นที่การศึกษาประถมศึกษาทดสอบ เขต {n}",
            short_name=f"สพป.ทดสอบ {n}",
            kind=AgencyKind.PRIMARY_AREA,
            parent=parent,
            head_title=f"ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษาประถมศึกษาทดสอบ เขต {n}",
        )
        for n in range(start, stop)
    )
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE agencies_agency SET path = %s || id || '/' WHERE code LIKE %s AND path = ''",
            [parent.path, PREFIX + "%"],
        )
    codes = [f"{PREFIX}{n:05d}" for n in range(start, stop)]
    return list(Agency.objects.filter(code__in=codes).order_by("pk"))


def _people(agencies: list[Agency]) -> dict[int, list[Membership]]:
    User = get_user_model()
    password = make_password("bench-pages")
    User.objects.bulk_create(
        User(username=f"bench-{a.pk}-{r}", password=password, email=f"bench-{a.pk}-{r}@example.go.th")
        for a in agencies
        for r in ("staff", "director")
    )
    users = {u.username: u for u in User.objects.filter(username__startswith="bench-")}
    Division.objects.bulk_create(
        Division(agency=a, name=name, order=i)
        for a in agencies
        for i, name in enumerate(("กลุ่มอำนวยการ", "กลุ่มนิเทศ ติดตามและประเมินผล"))
    )
    Membership.objects.bulk_create(
        Membership(
            user=users[f"bench-{a.pk}-{r}"],
            agency=a,
            role=Role.STAFF if r == "staff" else Role.DIRECTOR,
            first_name_th=f"ทดสอบ{a.pk}",
            last_name_th="ใจดี" if r == "staff" else "มั่นคง",
            position_title="ศึกษานิเทศก์ชำนาญการ" if r == "staff" else "ผู้อำนวยการ",
        )
        for a in agencies
        for r in ("staff", "director")
    )
    people: dict[int, list[Membership]] = {}
    for m in Membership.objects.filter(agency__in=agencies).order_by("pk"):
        people.setdefault(m.agency_id, []).append(m)
    return people


def _scores(agencies: list[Agency], rng: random.Random) -> dict[tuple[int, int], Assessment]:
    frameworks = {f.fiscal_year: f for f in Framework.objects.filter(fiscal_year__in=YEARS, assessor__code="nacc")}
    rows = []
    for a in agencies:
        for year in YEARS:
            overall = Decimal(rng.randint(6000, 9900)) / 100
            framework = frameworks[year]
            rows.append(
                Assessment(
                    agency=a,
                    framework=framework,
                    overall_score=overall,
                    grade=grade_for(overall),
                    passed=passed(overall, framework.pass_mark),
                    iit_score=Decimal(rng.randint(6000, 10000)) / 100,
                    eit_score=Decimal(rng.randint(6000, 10000)) / 100,
                    oit_score=Decimal(rng.randint(4000, 10000)) / 100,
                    source=AssessmentSource.IMPORTED,
                )
            )
    Assessment.objects.bulk_create(rows)
    assessments = {
        (s.agency_id, s.framework.fiscal_year): s
        for s in Assessment.objects.filter(agency__in=agencies).select_related("framework")
    }
    scores, results = [], []
    catalogue = {y: (list(f.indicators.all()), list(f.items.all())) for y, f in frameworks.items()}
    for (_, year), s in assessments.items():
        indicators, items = catalogue[year]
        for ind in indicators:
            scores.append(IndicatorScore(assessment=s, indicator=ind, score=Decimal(rng.randint(5000, 10000)) / 100))
        for item in items:
            results.append(ItemResult(assessment=s, item=item, passed=rng.random() < 0.8 if item.kind == ItemKind.OIT else None))
    IndicatorScore.objects.bulk_create(scores, batch_size=5000)
    ItemResult.objects.bulk_create(results, batch_size=5000)
    return assessments


def _measures(agencies, people, assessments, rng: random.Random) -> None:
    weaknesses, measures = [], []
    for a in agencies:
        for year in YEARS:
            for w in range(2):
                weaknesses.append(
                    Weakness(
                        agency=a,
                        fiscal_year=year,
                        assessment=assessments[(a.pk, year)],
                        title=f"ประเด็นพัฒนาที่ {w + 1} ปี {year}",
                        order=w,
                    )
                )
            for m in range(3):
                start = dt.date(year - 544, 10, 1) + dt.timedelta(days=30 * m)
                measures.append(
                    Measure(
                        agency=a,
                        fiscal_year=year,
                        title=f"มาตรการส่งเสริมคุณธรรมและความโปร่งใส ข้อ {m + 1} ปี {year}",
                        weakness_text="การเปิดเผยข้อมูลบนเว็บไซต์ยังไม่ครบถ้วน",
                        improvement_text="เผยแพร่ข้อมูลให้ครบตามข้อ O",
                        start_date=start,
                        end_date=start + dt.timedelta(days=180),
                        budget_planned=Decimal(rng.randint(0, 50000)),
                        status=rng.choice(STATUSES),
                        order=m,
                    )
                )
    Weakness.objects.bulk_create(weaknesses)
    made = bulk_create_with_history(measures, Measure, batch_size=2000)
    if not made or made[0].pk is None:
        made = list(Measure.objects.filter(agency__in=agencies).order_by("pk"))
    through = Measure.responsible_people.through
    through.objects.bulk_create(through(measure_id=m.pk, membership_id=people[m.agency_id][0].pk) for m in made)
    steps, progress, meetings = [], [], []
    for m in made:
        for s in range(4):
            steps.append(
                MeasureStep(
                    measure=m,
                    order=s,
                    text=f"ขั้นตอนที่ {s + 1}: ดำเนินการตามแผน",
                    due_date=m.start_date + dt.timedelta(days=40 * s),
                    is_done=s < 2,
                )
            )
        for p in range(2):
            progress.append(
                ProgressUpdate(
                    measure=m,
                    reported_on=m.start_date + dt.timedelta(days=60 * (p + 1)),
                    status=MeasureStatus.IN_PROGRESS,
                    percent_complete=40 * (p + 1),
                    result_summary="ดำเนินการตามแผนแล้วบางส่วน",
                )
            )
    for a in agencies:
        for year in YEARS:
            for n in range(1, 4):
                starts = dt.datetime(year - 544, 12, 1, 9, 0, tzinfo=BANGKOK) + dt.timedelta(days=90 * (n - 1))
                meetings.append(
                    FollowUp(
                        agency=a,
                        fiscal_year=year,
                        number=n,
                        title=f"การกำกับติดตาม ครั้งที่ {n}",
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(hours=3),
                        place="ห้องประชุม",
                        status=FollowUpStatus.HELD,
                    )
                )
    bulk_create_with_history(steps, MeasureStep, batch_size=5000)
    bulk_create_with_history(progress, ProgressUpdate, batch_size=5000)
    bulk_create_with_history(meetings, FollowUp, batch_size=5000)


def grow_to(total: int, *, seed: int = 17) -> int:
    """Add generated agencies until there are ``total`` of them; returns how many were added."""
    have = generated_count()
    if have >= total:
        return 0
    rng = random.Random(seed + have)
    for start in range(have, total, 200):
        stop = min(start + 200, total)
        with transaction.atomic():
            agencies = _agencies(start, stop)
            people = _people(agencies)
            assessments = _scores(agencies, rng)
            _measures(agencies, people, assessments, rng)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    return total - have
