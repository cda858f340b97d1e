"""outbound message: task, subject contact, retry time

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outboundmessage", schema=None) as batch_op:
        batch_op.add_column(sa.Column("task_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("about_contact_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("retry_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.alter_column(
            "kind",
            existing_type=sa.VARCHAR(length=10),
            type_=sa.Enum(
                "REQUEST",
                "NUDGE",
                "DEADLINE",
                "ESCALATION",
                "DIGEST",
                "CONTACT_LOST",
                name="messagekind",
            ),
            existing_nullable=False,
        )
        batch_op.create_foreign_key(
            "fk_outboundmessage_about_contact", "contact", ["about_contact_id"], ["id"]
        )
        batch_op.create_foreign_key("fk_outboundmessage_task", "task", ["task_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("outboundmessage", schema=None) as batch_op:
        batch_op.drop_constraint("fk_outboundmessage_about_contact", type_="foreignkey")
        batch_op.drop_constraint("fk_outboundmessage_task", type_="foreignkey")
        batch_op.alter_column(
            "kind",
            existing_type=sa.Enum(
                "REQUEST",
                "NUDGE",
                "DEADLINE",
                "ESCALATION",
                "DIGEST",
                "CONTACT_LOST",
                name="messagekind",
            ),
            type_=sa.VARCHAR(length=10),
            existing_nullable=False,
        )
        batch_op.drop_column("retry_at")
        batch_op.drop_column("about_contact_id")
        batch_op.drop_column("task_id")
