"""Tables. Rows map to the core's dataclasses in repository.py; the core never sees a session."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class OrganisationRow(Base):
    __tablename__ = "organisation"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    credit_code: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    region_code: Mapped[str] = mapped_column(String(20), default="")
    province: Mapped[str] = mapped_column(String(100), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    county: Mapped[str] = mapped_column(String(100), default="")
    postal_code: Mapped[str] = mapped_column(String(20), default="")
    head_name: Mapped[str] = mapped_column(String(100), default="")
    head_title: Mapped[str] = mapped_column(String(100), default="")
    head_phone: Mapped[str] = mapped_column(String(50), default="")
    head_email: Mapped[str] = mapped_column(String(200), default="")
    security_department: Mapped[str] = mapped_column(String(200), default="")
    security_contact: Mapped[str] = mapped_column(String(100), default="")
    security_title: Mapped[str] = mapped_column(String(100), default="")
    security_phone: Mapped[str] = mapped_column(String(50), default="")
    security_mobile: Mapped[str] = mapped_column(String(50), default="")
    security_email: Mapped[str] = mapped_column(String(200), default="")
    data_department: Mapped[str] = mapped_column(String(200), default="")
    data_contact: Mapped[str] = mapped_column(String(100), default="")
    data_title: Mapped[str] = mapped_column(String(100), default="")
    data_phone: Mapped[str] = mapped_column(String(50), default="")
    data_mobile: Mapped[str] = mapped_column(String(50), default="")
    data_email: Mapped[str] = mapped_column(String(200), default="")
    affiliation: Mapped[str] = mapped_column(String(100), default="")
    unit_type: Mapped[str] = mapped_column(String(100), default="")
    industry: Mapped[str] = mapped_column(String(100), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)


class SystemRow(Base):
    __tablename__ = "system"
    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(50), default="")
    object_type: Mapped[str] = mapped_column(String(40), default="information_system")
    description: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    business_type: Mapped[str] = mapped_column(String(100), default="")
    business_description: Mapped[str] = mapped_column(Text, default="")
    data_description: Mapped[str] = mapped_column(Text, default="")
    service_scope: Mapped[str] = mapped_column(Text, default="")
    service_users: Mapped[str] = mapped_column(Text, default="")
    deployment: Mapped[str] = mapped_column(Text, default="")
    internet_facing: Mapped[bool] = mapped_column(Boolean, default=False)
    internet_details: Mapped[str] = mapped_column(Text, default="")
    go_live: Mapped[date | None] = mapped_column(Date, nullable=True)
    parent_system: Mapped[str] = mapped_column(String(200), default="")
    extensions: Mapped[list] = mapped_column(JSON, default=list)
    profile: Mapped[dict] = mapped_column(JSON, default=dict)  # applicability answers (cloud platform …)
    log_retention_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class GradingRow(Base):
    __tablename__ = "grading"
    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("system.id", ondelete="CASCADE"), index=True)
    business_object: Mapped[str] = mapped_column(String(30))
    business_degree: Mapped[str] = mapped_column(String(30))
    business_description: Mapped[str] = mapped_column(Text, default="")
    service_object: Mapped[str] = mapped_column(String(30))
    service_degree: Mapped[str] = mapped_column(String(30))
    service_description: Mapped[str] = mapped_column(Text, default="")
    business_level: Mapped[int] = mapped_column(Integer)
    service_level: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)
    rationale_zh: Mapped[str] = mapped_column(Text, default="")
    rationale_en: Mapped[str] = mapped_column(Text, default="")
    override_reason: Mapped[str] = mapped_column(Text, default="")
    graded_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    graded_by: Mapped[str] = mapped_column(String(100), default="")
    expert_review_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    expert_opinion: Mapped[str] = mapped_column(Text, default="")
    authority_name: Mapped[str] = mapped_column(String(200), default="")
    authority_approved_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    filed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    filing_office: Mapped[str] = mapped_column(String(200), default="")
    filing_number: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)


class AssessmentRow(Base):
    __tablename__ = "assessment"
    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("system.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    level: Mapped[int] = mapped_column(Integer)
    extensions: Mapped[list] = mapped_column(JSON, default=list)
    catalogue_version: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(20), default="self")
    status: Mapped[str] = mapped_column(String(20), default="in_progress")  # in_progress | completed
    started_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    completed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    baseline_of: Mapped[int | None] = mapped_column(ForeignKey("assessment.id", ondelete="SET NULL"), nullable=True)
    report_date: Mapped[date | None] = mapped_column(Date, nullable=True)  # picks the scoring method (2025-03-20)
    scoring_method: Mapped[str | None] = mapped_column(String(30), nullable=True)  # None: by the report date
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)


class ItemResultRow(Base):
    __tablename__ = "item_result"
    __table_args__ = (UniqueConstraint("assessment_id", "item_id", "assessed_object", name="uq_result_item_object"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(20))
    assessed_object: Mapped[str] = mapped_column(String(200), default="")
    result: Mapped[str] = mapped_column(String(20), default="not_assessed")
    record: Mapped[str] = mapped_column(Text, default="")
    methods: Mapped[list] = mapped_column(JSON, default=list)
    evidence_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    risk: Mapped[str | None] = mapped_column(String(10), nullable=True)
    risk_reason: Mapped[str] = mapped_column(Text, default="")
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class BlobRow(Base):
    """One stored file, named by the sha256 of its bytes: attached twice, stored once."""

    __tablename__ = "blob"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(100))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class AttachmentRow(Base):
    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(ForeignKey("item_result.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"))
    original_name: Mapped[str] = mapped_column(String(255))  # shown to people, never used as a path
    uploaded_by: Mapped[str] = mapped_column(String(100), default="")
    uploaded_at: Mapped[datetime] = mapped_column(DateTime)


class AuditEventRow(Base):
    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    user: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(400), index=True)  # e.g. assessment/item/object (200 chars)
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class UserRow(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    email: Mapped[str] = mapped_column(String(200), default="")  # set by an admin; used by single sign-on
    email_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)  # the user confirmed it is theirs
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)  # site admin: users and organisations
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class MembershipRow(Base):
    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", name="uq_membership"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # admin | assessor | viewer


class SignInThrottleRow(Base):
    """Failed sign-ins per account name (existing or not) and per source address: `key` is "account:NAME" or
    "source:ADDRESS"."""

    __tablename__ = "sign_in_throttle"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure: Mapped[datetime] = mapped_column(DateTime)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class SetupTokenRow(Base):
    """The one-time token that lets the first administrator be created (only its sha256 is kept)."""

    __tablename__ = "setup_token"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class SessionRow(Base):
    """A signed-in browser session: the browser's cookie holds a random token, this row only its sha256."""

    __tablename__ = "auth_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100), index=True)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    handoff_hash: Mapped[str | None] = mapped_column(String(64), unique=True, nullable=True)
    handoff_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    organisation_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    system_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
