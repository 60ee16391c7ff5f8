"""The matchmaking chart counts held events, their registrations and intentions per prefecture."""

import datetime as dt
from decimal import Decimal

import pytest

from zhuanhua.dashboards.charts import Filters, chart_data
from zhuanhua.events.models import EventRegistration, Intention, MatchmakingEvent


@pytest.mark.django_db
def test_matchmaking_chart_counts_only_held_events_of_the_filtered_year(
    department, reviewer, make_org, published_a
):
    firm = make_org(org_type="enterprise", prefecture="530800")

    def event(prefecture, held_on, status):
        return MatchmakingEvent.objects.create(
            organiser=department,
            title="路演",
            kind="roadshow",
            description="d",
            place="p",
            prefecture=prefecture,
            held_on=held_on,
            registration_deadline=held_on,
            status=status,
        )

    held = event("530800", dt.date(2026, 3, 1), "held")
    event("530800", dt.date(2026, 4, 1), "open")
    event("530100", dt.date(2025, 4, 1), "held")
    EventRegistration.objects.create(event=held, enterprise=firm, contact=reviewer)
    for amount in (Decimal("100000.00"), None):
        Intention.objects.create(
            event=held, achievement=published_a, enterprise=firm, kind="license", amount=amount
        )
    rows = {r[0]: r[1:] for r in chart_data("matchmaking_events", Filters(year=2026)).rows}
    assert rows["普洱市"] == [1, 1, 2, Decimal("100000.00")]
    assert rows["昆明市"] == [0, 0, 0, Decimal("0.00")]
    rows = {r[0]: r[1:] for r in chart_data("matchmaking_events", Filters()).rows}
    assert rows["昆明市"][0] == 1
