"""imported collector bundles: collector_run

A new table, a child of assessment (deleted with it) that names a stored blob; no existing table is rebuilt.

Revision ID: 0011_collector
Revises: 0005_bigdata
Create Date: 2026-12-05 09:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_collector"
down_revision = "0009_backlog"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "collector_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("assessed_object", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("hostname", sa.String(length=200), nullable=False),
        sa.Column("os_name", sa.String(length=200), nullable=False),
        sa.Column("collector_version", sa.String(length=40), nullable=False),
        sa.Column("collected_at", sa.String(length=40), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("log_retention_days", sa.Integer(), nullable=True),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("findings_sha256", sa.String(length=64), nullable=False),
        sa.Column("accepted", sa.JSON(), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessment.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["sha256"], ["blob.sha256"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("collector_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_collector_run_assessment_id"), ["assessment_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("collector_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collector_run_assessment_id"))
    op.drop_table("collector_run")
