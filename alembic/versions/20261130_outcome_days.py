"""outcome days: opt-outs, completions and losses by day without the track and week

Revision ID: outcome_days
Revises: optout_weeks
Create Date: 2026-11-30 05:25:00
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "outcome_days"
down_revision: str | None = "optout_weeks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _optout_weeks() -> Any:
    """Migration optout_weeks, whose create_derived and drop_derived this one uses."""
    path = Path(__file__).with_name("20261130_optout_weeks.py")
    spec = importlib.util.spec_from_file_location("optout_weeks_migration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    # The timeseries and the summary read a row per (outcome, day): metric_outcomes has one per
    # journey week of that day too, which grew with the programme (2x from 100k to 1M).
    op.create_table(
        "metric_outcome_days",
        sa.Column("outcome", sa.String(length=12), nullable=False),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("enrollments", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("outcome", "day", name=op.f("pk_metric_outcome_days")),
    )
    _optout_weeks().create_derived("metric_outcome_days", ("outcome", "day"), "true")


def downgrade() -> None:
    _optout_weeks().drop_derived("metric_outcome_days")
