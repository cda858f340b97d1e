"""outbound message: claims (who sends it, since when) and the in-doubt mark

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outboundmessage", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_by", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("claimed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("in_doubt", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_index("ix_outboundmessage_owed", ["sent_at", "skipped_reason", "due_at"])
    # A send started before this revision and never confirmed (attempts counted, no error,
    # not sent) was interrupted: it becomes a claim long expired, so the next send-out
    # takes it over as "in doubt", as before.
    op.execute(
        "UPDATE outboundmessage SET claimed_by = 'before-0005', claimed_at = due_at "
        "WHERE sent_at IS NULL AND skipped_reason IS NULL AND attempts > 0 "
        "AND last_error IS NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("outboundmessage", schema=None) as batch_op:
        batch_op.drop_index("ix_outboundmessage_owed")
        batch_op.drop_column("in_doubt")
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claimed_by")
