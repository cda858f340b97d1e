"""audit log, one report per update

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "auditentry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("update_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name="fk_auditentry_agency"),
        sa.PrimaryKeyConstraint("id", name="pk_auditentry"),
    )
    with op.batch_alter_table("auditentry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auditentry_agency_id"), ["agency_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_auditentry_at"), ["at"], unique=False)

    # A redelivered update may have stored a second copy before: keep the first only.
    op.execute(
        "UPDATE statusreport SET update_id = NULL WHERE update_id IS NOT NULL AND id NOT IN "
        "(SELECT MIN(id) FROM statusreport WHERE update_id IS NOT NULL GROUP BY update_id)"
    )
    with op.batch_alter_table("statusreport", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_statusreport_update_id", ["update_id"])


def downgrade() -> None:
    with op.batch_alter_table("statusreport", schema=None) as batch_op:
        batch_op.drop_constraint("uq_statusreport_update_id", type_="unique")

    with op.batch_alter_table("auditentry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_auditentry_at"))
        batch_op.drop_index(batch_op.f("ix_auditentry_agency_id"))

    op.drop_table("auditentry")
