"""factory_boy factories for the domain model. Tests build what they need with these."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model

from indicators.models import Assessor, Framework, Indicator, Instrument, Item, ItemKind
from ita_portal.agencies.models import Agency, AgencyKind, Division, Membership, Role
from measures.models import Measure, Weakness

BKK = ZoneInfo("Asia/Bangkok")


def bkk(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """An aware Bangkok datetime (CE year): the one helper every test builds meeting times with."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=BKK)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.go.th")
    password = factory.django.Password("pass-1234")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"สำนักงานเขตพื้นที่การศึกษาประถมศึกษาทดสอบ {n}")
    short_name = factory.Sequence(lambda n: f"สพป.ทดสอบ {n}")
    code = factory.Sequence(lambda n: f"T{n:05d}")
    kind = AgencyKind.PRIMARY_AREA
    doc_prefix = "ศธ ๐๔๑๑๔"
    head_title = factory.LazyAttribute(lambda a: f"ผู้อำนวยการ{a.name}")


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"กลุ่มงานทดสอบ {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Role.STAFF
    name_title = "นาง"
    first_name_th = factory.Sequence(lambda n: f"ทดสอบ{n}")
    last_name_th = "ใจดี"
    position_title = "นักวิเคราะห์นโยบายและแผนชำนาญการ"


class AssessorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessor
        django_get_or_create = ("code",)

    code = "nacc"
    name = "สำนักงาน ป.ป.ช. (ITA)"


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework
        django_get_or_create = ("fiscal_year", "assessor")

    fiscal_year = 2566
    assessor = factory.SubFactory(AssessorFactory)
    name = factory.LazyAttribute(lambda f: f"ITA {f.fiscal_year}")


INDICATOR_NAMES = [
    ("การปฏิบัติหน้าที่", Instrument.IIT),
    ("การใช้งบประมาณ", Instrument.IIT),
    ("การใช้อำนาจ", Instrument.IIT),
    ("การใช้ทรัพย์สินของราชการ", Instrument.IIT),
    ("การแก้ไขปัญหาการทุจริต", Instrument.IIT),
    ("คุณภาพการดำเนินงาน", Instrument.EIT),
    ("ประสิทธิภาพการสื่อสาร", Instrument.EIT),
    ("การปรับปรุงระบบการทำงาน", Instrument.EIT),
    ("การเปิดเผยข้อมูล", Instrument.OIT),
    ("การป้องกันการทุจริต", Instrument.OIT),
]


def make_framework(fiscal_year: int = 2566, oit_items: int = 4) -> Framework:
    """A small framework with the ten indicators and a few O-items under indicators 9 and 10."""
    fw = FrameworkFactory(fiscal_year=fiscal_year)
    indicators = []
    for number, (name, instrument) in enumerate(INDICATOR_NAMES, start=1):
        ind, _ = Indicator.objects.get_or_create(
            framework=fw, number=number, defaults={"name": name, "instrument": instrument, "stable_key": f"ind-{number}"}
        )
        indicators.append(ind)
    for n in range(1, oit_items + 1):
        Item.objects.get_or_create(
            framework=fw,
            kind=ItemKind.OIT,
            number=n,
            defaults={
                "indicator": indicators[8 if n <= oit_items // 2 else 9],
                "title": f"ข้อทดสอบ {n}",
                "stable_key": f"item-{n}",
            },
        )
    return fw


class WeaknessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Weakness

    agency = factory.SubFactory(AgencyFactory)
    fiscal_year = 2567
    title = "การเปิดเผยข้อมูลยังไม่ครบถ้วน"


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    agency = factory.SubFactory(AgencyFactory)
    fiscal_year = 2567
    title = factory.Sequence(lambda n: f"มาตรการทดสอบ {n}")
    start_date = dt.date(2024, 6, 1)
    end_date = dt.date(2024, 7, 31)
    budget_planned = Decimal("0")
