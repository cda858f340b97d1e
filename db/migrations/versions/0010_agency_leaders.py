"""agency leaders: a contact role that receives copies of late notices, and their kind

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite keeps enums as plain text: only PostgreSQL's enum types learn the new names.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TYPE role ADD VALUE IF NOT EXISTS 'LEADER'")
        op.execute("ALTER TYPE messagekind ADD VALUE IF NOT EXISTS 'LATE_COPY'")


def downgrade() -> None:
    # PostgreSQL cannot drop an enum value; rows with these names are removed instead.
    op.execute(
        "DELETE FROM outboundpart WHERE outbound_id IN "
        "(SELECT id FROM outboundmessage WHERE CAST(kind AS TEXT) = 'LATE_COPY')"
    )
    op.execute("DELETE FROM outboundmessage WHERE CAST(kind AS TEXT) = 'LATE_COPY'")
    op.execute("UPDATE contact SET active = false WHERE CAST(role AS TEXT) = 'LEADER'")
