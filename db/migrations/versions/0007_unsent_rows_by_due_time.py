"""outbound message: a partial index on the rows still owed, by due time

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UNSENT = sa.text("sent_at IS NULL AND skipped_reason IS NULL")


def upgrade() -> None:
    # The send-out reads the owed rows oldest first: with only the unsent rows in the index,
    # in due order, that read costs what is owed, not what was ever sent.
    op.drop_index("ix_outboundmessage_owed", table_name="outboundmessage")
    op.create_index(
        "ix_outboundmessage_unsent",
        "outboundmessage",
        ["due_at", "id"],
        sqlite_where=UNSENT,
        postgresql_where=UNSENT,
    )


def downgrade() -> None:
    op.drop_index("ix_outboundmessage_unsent", table_name="outboundmessage")
    op.create_index(
        "ix_outboundmessage_owed", "outboundmessage", ["sent_at", "skipped_reason", "due_at"]
    )
