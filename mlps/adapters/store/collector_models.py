"""The table of imported collector bundles (on the store's shared Base): one row per import, for one assessed
object of one assessment. The bundle's bytes are a blob (content-addressed, like every attachment)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from mlps.adapters.store.models import Base


class CollectorRunRow(Base):
    __tablename__ = "collector_run"
    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
    assessed_object: Mapped[str] = mapped_column(String(200), default="")
    sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"))
    hostname: Mapped[str] = mapped_column(String(200), default="")
    os_name: Mapped[str] = mapped_column(String(200), default="")
    collector_version: Mapped[str] = mapped_column(String(40), default="")
    collected_at: Mapped[str] = mapped_column(String(40), default="")  # as the bundle says (UTC, ISO 8601)
    level: Mapped[int | None] = mapped_column(Integer, nullable=True)  # the level the collector was run with
    log_retention_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    findings: Mapped[list] = mapped_column(JSON, default=list)
    findings_sha256: Mapped[str] = mapped_column(String(64))
    accepted: Mapped[dict] = mapped_column(JSON, default=dict)  # item id -> version of the result its import wrote
    imported_by: Mapped[str] = mapped_column(String(100), default="")
    imported_at: Mapped[datetime] = mapped_column(DateTime)
