"""The move to explicit funding and payment states keeps the meaning of existing rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hataraku.contracts import services
from hataraku.contracts.constants import MilestoneStatus, WeekStatus
from hataraku.contracts.models import HourlyWeek, Milestone

from .factories import active_contract, key

BEFORE = [("contracts", "0005_hourly_week_submission")]


@pytest.mark.django_db(transaction=True)
def test_existing_weeks_and_milestones_get_the_state_that_describes_them(frozen_clock):
    # given a milestone whose bank transfer is awaited, and an hourly contract, taken back to the old states
    fixed = active_contract()
    milestone = fixed.milestones.get()
    services.milestone_fund(milestone=milestone, actor=fixed.client, idempotency_key=key("fund"))
    hourly = active_contract(hourly=True)
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(BEFORE)
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        assert old.get_model("contracts", "Milestone").objects.get(pk=milestone.pk).status == "pending"
        weeks = old.get_model("contracts", "HourlyWeek").objects
        now = frozen_clock.now()
        paid = weeks.create(
            contract_id=hourly.pk,
            week_start=dt.date(2026, 11, 9),
            status="billed",
            billed_amount=1_300,
            released_at=now,
            created_at=now,
            updated_at=now,
        )
        unpaid = weeks.create(
            contract_id=hourly.pk,
            week_start=dt.date(2026, 11, 16),
            status="billed",
            billed_amount=1_300,
            created_at=now,
            updated_at=now,
        )
        empty = weeks.create(
            contract_id=hourly.pk,
            week_start=dt.date(2026, 11, 23),
            status="billed",
            billed_amount=0,
            created_at=now,
            updated_at=now,
        )
    finally:
        # when the migrations run forward (here, so a failed step never leaves the schema behind)
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(leaves)
    # then a released week is paid, an unpaid one still waits for the money, an empty one owes nothing
    assert HourlyWeek.objects.get(pk=paid.pk).status == WeekStatus.PAID
    assert HourlyWeek.objects.get(pk=unpaid.pk).status == WeekStatus.BILLED
    assert HourlyWeek.objects.get(pk=empty.pk).status == WeekStatus.PAID
    # and the milestone says its money is on its way
    assert Milestone.objects.get(pk=milestone.pk).status == MilestoneStatus.FUNDING_REQUESTED
