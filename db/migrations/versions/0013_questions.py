"""questions: the Office's one-off requests (báo cáo đột xuất), whom they ask and the answers

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The status enum of status reports, reused (PostgreSQL has its type already).
_NAMES = ("DONE", "IN_PROGRESS", "BEHIND", "BLOCKED")
_STATUS = sa.Enum(*_NAMES, name="status").with_variant(
    postgresql.ENUM(*_NAMES, name="status", create_type=False), "postgresql"
)


def upgrade() -> None:
    text, moment = sqlmodel.sql.sqltypes.AutoString, sqlmodel.sql.sqltypes.UTCDateTime
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TYPE messagekind ADD VALUE IF NOT EXISTS 'QUESTION'")
    op.create_table(
        "question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", text(), nullable=False),
        sa.Column("asked_at", moment(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("actor", text(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["period_id"], ["reportingperiod.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "questiontarget",
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.PrimaryKeyConstraint("question_id", "agency_id"),
    )
    op.create_table(
        "questionanswer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("status", _STATUS, nullable=True),
        sa.Column("note", text(), nullable=True),
        sa.Column("answered_at", moment(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["question_id"], ["question.id"]),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("update_id", name="uq_questionanswer_update_id"),
    )
    op.create_index("ix_questionanswer_question_id", "questionanswer", ["question_id"])


def downgrade() -> None:
    op.drop_index("ix_questionanswer_question_id", table_name="questionanswer")
    op.drop_table("questionanswer")
    op.drop_table("questiontarget")
    op.drop_table("question")
