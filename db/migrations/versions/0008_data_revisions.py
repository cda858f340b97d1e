"""data revisions: a counter per table that every change to it moves, kept by the database

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

# The bot remembers who is behind each chat, and the planner what it planned, until these
# tables change; any writer (the bot, a command, another instance) moves their counters.
WATCHED = ("contact", "assignment", "task", "directive")
EVENTS = ("INSERT", "UPDATE", "DELETE")


def upgrade() -> None:
    op.create_table(
        "datarevision",
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    for table in WATCHED:
        op.execute(f"INSERT INTO datarevision (name, revision) VALUES ('{table}', 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION dondoc_bump_revision() RETURNS trigger AS $$ BEGIN "
            "UPDATE datarevision SET revision = revision + 1 WHERE name = TG_TABLE_NAME; "
            "RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        for table in WATCHED:
            op.execute(
                f"CREATE TRIGGER {table}_revision AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION dondoc_bump_revision()"
            )
        return
    for table in WATCHED:
        for event in EVENTS:
            op.execute(
                f"CREATE TRIGGER {table}_revision_{event.lower()} AFTER {event} ON {table} "
                f"BEGIN UPDATE datarevision SET revision = revision + 1 WHERE name = '{table}'; "
                "END"
            )


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in WATCHED:
        if postgresql:
            op.execute(f"DROP TRIGGER {table}_revision ON {table}")
        else:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER {table}_revision_{event.lower()}")
    if postgresql:
        op.execute("DROP FUNCTION dondoc_bump_revision()")
    op.drop_table("datarevision")
