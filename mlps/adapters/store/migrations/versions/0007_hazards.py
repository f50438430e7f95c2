"""major risk hazards and the report date: hazard, assessment.report_date, assessment.scoring_method

Assessments stored before this migration keep the method they were scored with (mlps2019, the default until
now): their verdicts do not change silently. New assessments get a report date (default today) and no chosen
method, so the report date picks it (on or after 2025-03-20: mlps2025).

Revision ID: 0007_hazards
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_hazards"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("report_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("scoring_method", sa.String(length=30), nullable=True))
    op.execute("UPDATE assessment SET scoring_method = 'mlps2019'")
    op.create_table(
        "hazard",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("item_ids", sa.JSON(), nullable=False),
        sa.Column("objects", sa.JSON(), nullable=False),
        sa.Column("judgement", sa.Text(), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("remediated_on", sa.Date(), nullable=True),
        sa.Column("verification", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assessment_id", "code", name="uq_hazard_assessment_code"),
    )
    with op.batch_alter_table("hazard", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hazard_assessment_id"), ["assessment_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hazard", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hazard_assessment_id"))
    op.drop_table("hazard")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_column("scoring_method")
        batch_op.drop_column("report_date")
