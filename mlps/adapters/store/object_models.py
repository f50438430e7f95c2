"""The table of assessed objects' descriptions (on the store's shared Base).

Results name their assessed object by text (item_result.assessed_object); an object's details — what an agency
writes above its sheet (`IP：172.16.6.3  版本：server 2012`) — live here, one row per assessment and object name.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from mlps.adapters.store.models import Base


class AssessedObjectRow(Base):
    __tablename__ = "assessed_object"
    __table_args__ = (UniqueConstraint("assessment_id", "name", name="uq_assessed_object_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[str] = mapped_column(String(100), default="")
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
