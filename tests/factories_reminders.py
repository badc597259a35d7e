"""Factories for follow-up meetings and the people who receive their reminders."""

from __future__ import annotations

import datetime as dt

import factory

from measures.models import FollowUp
from tests.factories import AgencyFactory, MeasureFactory, MembershipFactory, UserFactory, bkk


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    agency = factory.SubFactory(AgencyFactory)
    fiscal_year = 2567
    measure = None
    number = factory.Sequence(lambda n: n % 20 + 1)
    title = "ประชุมกำกับติดตามการดำเนินงาน"
    starts_at = factory.LazyFunction(lambda: bkk(2024, 6, 20, 9, 30))
    place = "ห้องประชุมสำนักงาน"


def member_with_email(agency, email: str, **kwargs):
    """A membership of ``agency`` whose user has ``email``."""
    user = UserFactory(username=email.split("@")[0], email=email)
    return MembershipFactory(user=user, agency=agency, **kwargs)


def meeting_with_people(*, starts_at: dt.datetime, agency=None, **kwargs):
    """A measure meeting with one responsible person and one attendee (two recipients)."""
    agency = agency or AgencyFactory()
    measure = MeasureFactory(agency=agency)
    responsible = member_with_email(agency, f"resp{agency.pk}-{measure.pk}@example.go.th")
    attendee = member_with_email(agency, f"att{agency.pk}-{measure.pk}@example.go.th")
    measure.responsible_people.add(responsible)
    followup = FollowUpFactory(agency=agency, measure=measure, starts_at=starts_at, **kwargs)
    followup.attendees.add(attendee)
    return followup
