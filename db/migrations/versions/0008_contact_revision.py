"""contact revision: a counter every change to the contacts moves, kept by the database

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE_EVENTS = ("INSERT", "UPDATE", "DELETE")


def upgrade() -> None:
    # The bot remembers who is behind each chat between updates; any writer (the bot, a
    # command, another instance, a restore) moves this counter, and the bot forgets then.
    op.create_table(
        "contactrevision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO contactrevision (id, revision) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION dondoc_bump_contact_revision() RETURNS trigger AS $$ "
            "BEGIN UPDATE contactrevision SET revision = revision + 1; RETURN NULL; END "
            "$$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER contact_revision AFTER INSERT OR UPDATE OR DELETE ON contact "
            "FOR EACH STATEMENT EXECUTE FUNCTION dondoc_bump_contact_revision()"
        )
        return
    for event in SQLITE_EVENTS:
        op.execute(
            f"CREATE TRIGGER contact_revision_{event.lower()} AFTER {event} ON contact "
            "BEGIN UPDATE contactrevision SET revision = revision + 1; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER contact_revision ON contact")
        op.execute("DROP FUNCTION dondoc_bump_contact_revision()")
    else:
        for event in SQLITE_EVENTS:
            op.execute(f"DROP TRIGGER contact_revision_{event.lower()}")
    op.drop_table("contactrevision")
