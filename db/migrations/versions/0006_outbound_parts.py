"""outbound part: each Telegram message of an owed message sent in several

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outboundpart",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outbound_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("telegram_message_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["outbound_id"], ["outboundmessage.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("outbound_id", "part"),
    )
    with op.batch_alter_table("outboundpart", schema=None) as batch_op:
        batch_op.create_index("ix_outboundpart_outbound_id", ["outbound_id"], unique=False)
        batch_op.create_index(
            "ix_outboundpart_chat_message", ["chat_id", "telegram_message_id"], unique=False
        )
    # Messages sent before this revision went as one part: the first is the one on record.
    op.execute(
        "INSERT INTO outboundpart (outbound_id, part, chat_id, telegram_message_id, sent_at) "
        "SELECT id, 0, chat_id, telegram_message_id, sent_at FROM outboundmessage "
        "WHERE sent_at IS NOT NULL AND telegram_message_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("outboundpart", schema=None) as batch_op:
        batch_op.drop_index("ix_outboundpart_chat_message")
        batch_op.drop_index("ix_outboundpart_outbound_id")
    op.drop_table("outboundpart")
