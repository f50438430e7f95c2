"""The table of a system's recorded changes (on the store's shared Base).

A change of the business, the data or the possible harm is recorded with the day it happened and whether it is
significant: a significant change after the current grading calls for re-grading (GB/T 22240-2020 clause 8,
mlps.rules.obligations). The day is stored as `changed_on` (`on` is an SQL reserved word).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from mlps.adapters.store.models import Base


class SystemChangeRow(Base):
    __tablename__ = "system_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[int] = mapped_column(ForeignKey("system.id", ondelete="CASCADE"), index=True)
    changed_on: Mapped[date] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    significant: Mapped[bool] = mapped_column(Boolean, default=True)
    recorded_by: Mapped[str] = mapped_column(String(100), default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
