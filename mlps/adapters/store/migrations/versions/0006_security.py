"""security: sign-in throttling per account and source, the first-admin setup token, server-side sessions,
confirmed e-mails for single sign-on, audit ids long enough for every object name

Revision ID: 0006_security
Revises: 0012_highrisk
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_security"
down_revision = "0012_highrisk"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "setup_token",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    op.create_table(
        "auth_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("handoff_hash", sa.String(length=64), nullable=True),
        sa.Column("handoff_until", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("system_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
        sa.UniqueConstraint("handoff_hash"),
    )
    with op.batch_alter_table("auth_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_auth_session_username"), ["username"], unique=False)
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_confirmed", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("entity_id", existing_type=sa.String(length=100), type_=sa.String(length=400),
                              existing_nullable=False)  # fmt: skip


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("entity_id", existing_type=sa.String(length=400), type_=sa.String(length=100),
                              existing_nullable=False)  # fmt: skip
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("email_confirmed")
    op.drop_table("auth_session")
    op.drop_table("setup_token")
    op.drop_table("sign_in_throttle")
