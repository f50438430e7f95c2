"""the 2025 filing form's unit table: address parts, postal code, the head's e-mail, the contacts' titles,
mobiles and e-mails

Ten text columns with empty defaults on organisation, added in a batch so SQLite can take them; existing units
get empty values (the filing form lists them as still to be filled in). The coded fields (affiliation, unit
type, industry) keep their columns: a stored label still finds its code (mlps/rules/filing_codes.py).

Revision ID: 0008_filing2025
Revises: 0006_security
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_filing2025"
down_revision = "0006_security"
branch_labels = None
depends_on = None

COLUMNS = (
    ("province", 100),
    ("city", 100),
    ("county", 100),
    ("postal_code", 20),
    ("head_email", 200),
    ("security_title", 100),
    ("security_mobile", 50),
    ("data_title", 100),
    ("data_mobile", 50),
    ("data_email", 200),
)


def upgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        for name, length in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        for name, _length in reversed(COLUMNS):
            batch_op.drop_column(name)
