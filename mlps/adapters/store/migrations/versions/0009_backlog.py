"""agency workbooks and last year's problems: assessed_object descriptions; remediation tasks' origin and
hazard trigger codes

A new table (a child of assessment, deleted with it) and three columns with defaults on remediation_task, added
in a batch so SQLite can take them; existing tasks get origin "" (planned from results) and no trigger codes.

Revision ID: 0009_backlog
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_backlog"
down_revision = "0005_bigdata"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessed_object",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["assessment_id"], ["assessment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("assessment_id", "name", name="uq_assessed_object_name"),
    )
    with op.batch_alter_table("assessed_object", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessed_object_assessment_id"), ["assessment_id"], unique=False)
    with op.batch_alter_table("remediation_task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("origin", sa.String(length=40), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("origin_ref", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("hazard_codes", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table("remediation_task", schema=None) as batch_op:
        batch_op.drop_column("hazard_codes")
        batch_op.drop_column("origin_ref")
        batch_op.drop_column("origin")
    with op.batch_alter_table("assessed_object", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessed_object_assessment_id"))
    op.drop_table("assessed_object")
