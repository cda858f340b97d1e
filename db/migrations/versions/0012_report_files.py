"""report files: what an officer attaches to a report, kept whole with its hash

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "reportfile",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assignment_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("received_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("file_name", text(), nullable=False),
        sa.Column("mime_type", text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", text(), nullable=False),
        sa.Column("telegram_file_id", text(), nullable=False),
        sa.Column("caption", text(), nullable=True),
        sa.Column("update_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["assignment_id"], ["assignment.id"]),
        sa.ForeignKeyConstraint(["period_id"], ["reportingperiod.id"]),
        sa.ForeignKeyConstraint(["contact_id"], ["contact.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("update_id", name="uq_reportfile_update_id"),
    )
    op.create_index("ix_reportfile_assignment_id", "reportfile", ["assignment_id"])
    op.create_index("ix_reportfile_period_id", "reportfile", ["period_id"])


def downgrade() -> None:
    op.drop_index("ix_reportfile_period_id", table_name="reportfile")
    op.drop_index("ix_reportfile_assignment_id", table_name="reportfile")
    op.drop_table("reportfile")
