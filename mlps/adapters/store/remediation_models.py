"""Tables of the remediation plan: its tasks and each task's status history (on the store's shared Base)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mlps.adapters.store.models import Base


class RemediationTaskRow(Base):
    __tablename__ = "remediation_task"
    __table_args__ = (UniqueConstraint("assessment_id", "key", name="uq_task_assessment_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))  # item:L3-CES1-01 or cp:general/CES/identification
    item_ids: Mapped[list] = mapped_column(JSON, default=list)
    scope: Mapped[str] = mapped_column(String(20), default="general")
    category: Mapped[str] = mapped_column(String(10))
    control_point: Mapped[str] = mapped_column(String(100))
    control_point_zh: Mapped[str] = mapped_column(String(200), default="")
    control_point_en: Mapped[str] = mapped_column(String(200), default="")
    title_zh: Mapped[str] = mapped_column(Text, default="")
    title_en: Mapped[str] = mapped_column(Text, default="")
    action_zh: Mapped[str] = mapped_column(Text, default="")
    action_en: Mapped[str] = mapped_column(Text, default="")
    risk: Mapped[str | None] = mapped_column(String(10), nullable=True)
    case_ids: Mapped[list] = mapped_column(JSON, default=list)
    points: Mapped[float] = mapped_column(Float, default=0.0)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    origin: Mapped[str] = mapped_column(String(40), default="")
    origin_ref: Mapped[str] = mapped_column(String(200), default="")
    hazard_codes: Mapped[list] = mapped_column(JSON, default=list)
    owner: Mapped[str] = mapped_column(String(100), default="")
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    reason: Mapped[str] = mapped_column(Text, default="")
    closing_evidence: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)


class TaskEventRow(Base):
    """A task's status from `at` on: written when the task is created and at every status change."""

    __tablename__ = "task_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("remediation_task.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    user: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
