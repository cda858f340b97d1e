"""lifecycle: tasks accepted as done, directives closed or ended, deadlines extended,
assignments added and removed, each with its date so past digests stay as they were

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # 0002 widened the kinds, but on PostgreSQL the enum type made by 0001 kept its four
        # values: deadline reminders and lost-contact notices could not be stored there.
        for kind in ("DEADLINE", "CONTACT_LOST"):
            op.execute(f"ALTER TYPE messagekind ADD VALUE IF NOT EXISTS '{kind}'")
    op.add_column("directive", sa.Column("ends_on", sa.Date(), nullable=True))
    op.add_column(
        "directive", sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )
    op.add_column(
        "task", sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )
    op.add_column(
        "assignment", sa.Column("since", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )
    op.add_column(
        "assignment", sa.Column("ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
    )
    op.create_table(
        "deadlinechange",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("old_deadline", sa.Date(), nullable=True),
        sa.Column("new_deadline", sa.Date(), nullable=False),
        sa.Column("changed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["task_id"], ["task.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_deadlinechange_task_id", "deadlinechange", ["task_id"])
    # A deadline reminder is owed once per deadline: an extended task is reminded again.
    op.execute(
        "UPDATE outboundmessage SET key = 'deadline:' || CAST(task_id AS TEXT) || ':' || "
        "CAST((SELECT deadline FROM task WHERE task.id = outboundmessage.task_id) AS TEXT) || "
        "':contact:' || CAST(contact_id AS TEXT) "
        "WHERE CAST(kind AS TEXT) = 'DEADLINE' AND task_id IS NOT NULL"
    )


def downgrade() -> None:
    op.execute(
        "UPDATE outboundmessage SET key = 'deadline:' || CAST(task_id AS TEXT) || "
        "':contact:' || CAST(contact_id AS TEXT) "
        "WHERE CAST(kind AS TEXT) = 'DEADLINE' AND task_id IS NOT NULL"
    )
    op.drop_index("ix_deadlinechange_task_id", table_name="deadlinechange")
    op.drop_table("deadlinechange")
    with op.batch_alter_table("assignment") as batch:
        batch.drop_column("ended_at")
        batch.drop_column("since")
    with op.batch_alter_table("task") as batch:
        batch.drop_column("closed_at")
    with op.batch_alter_table("directive") as batch:
        batch.drop_column("closed_at")
        batch.drop_column("ends_on")
