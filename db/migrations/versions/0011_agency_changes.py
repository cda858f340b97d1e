"""agency changes: the names an agency had until a time, and where a merged one went

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agencyname",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_agencyname_agency_id", "agencyname", ["agency_id"])
    with op.batch_alter_table("agency") as batch:
        batch.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch.create_foreign_key("fk_agency_merged_into", "agency", ["merged_into_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("agency") as batch:
        batch.drop_constraint("fk_agency_merged_into", type_="foreignkey")
        batch.drop_column("ended_at")
        batch.drop_column("merged_into_id")
    op.drop_index("ix_agencyname_agency_id", table_name="agencyname")
    op.drop_table("agencyname")
