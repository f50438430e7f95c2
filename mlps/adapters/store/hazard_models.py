"""The table of major risk hazards (重大风险隐患) recorded for an assessment (on the store's shared Base)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mlps.adapters.store.models import Base


class HazardRow(Base):
    __tablename__ = "hazard"
    __table_args__ = (UniqueConstraint("assessment_id", "code", name="uq_hazard_assessment_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(8))  # trigger A-01 … A-32
    item_ids: Mapped[list] = mapped_column(JSON, default=list)  # the problems it comes from
    objects: Mapped[list] = mapped_column(JSON, default=list)
    judgement: Mapped[str] = mapped_column(Text, default="")  # relevance, severity, frequency in words
    found_on: Mapped[date] = mapped_column(Date)
    remediated_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    verification: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
