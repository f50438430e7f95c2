"""Attachments stored once per content (sha256), their types judged from the bytes."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from mlps.adapters.store.models import (
    AttachmentRow,
    BlobRow,
    ItemResultRow,
)
from mlps.adapters.store.repository.audit import _audit, _snapshot, now
from mlps.adapters.store.sniff import sniff_mime
from mlps.rules.errors import NotFound, UploadRejected

# ---------------------------------------------------------------- attachments


@dataclass
class Attachment:
    id: int
    sha256: str
    original_name: str
    size: int
    mime: str
    uploaded_by: str
    uploaded_at: datetime


def attach(
    sm: sessionmaker,
    result_id: int,
    data: bytes,
    original_name: str,
    user: str,
    *,
    max_bytes: int,
) -> Attachment:
    """Attach a file to a result. Stored once per content (sha256); the name is kept only as a label."""
    if not data:
        raise UploadRejected("the file is empty (0 bytes)")
    if len(data) > max_bytes:
        raise UploadRejected(f"the file is {len(data) / 1048576:.1f} MB; the limit is {max_bytes / 1048576:.0f} MB")
    label = (original_name or "file").replace("\\", "/").split("/")[-1].strip() or "file"
    label = "".join(ch for ch in label if ch.isprintable())[:255]
    digest = hashlib.sha256(data).hexdigest()
    mime = sniff_mime(data)
    with sm.begin() as s:
        if s.get(ItemResultRow, result_id) is None:
            raise NotFound(f"result {result_id}")
        if s.get(BlobRow, digest) is None:
            s.add(BlobRow(sha256=digest, size=len(data), mime=mime, data=data))
            s.flush()
        row = AttachmentRow(
            result_id=result_id, sha256=digest, original_name=label, uploaded_by=user, uploaded_at=now()
        )
        s.add(row)
        s.flush()
        _audit(s, user, "attachment", row.id, "create", None, {"result_id": result_id, "sha256": digest, "name": label})
        return Attachment(row.id, digest, label, len(data), mime, user, row.uploaded_at)


def attachments(sm: sessionmaker, result_id: int) -> list[Attachment]:
    with sm() as s:
        q = (
            select(AttachmentRow, BlobRow.size, BlobRow.mime)
            .join(BlobRow, BlobRow.sha256 == AttachmentRow.sha256)
            .where(AttachmentRow.result_id == result_id)
            .order_by(AttachmentRow.id)
        )
        return [
            Attachment(a.id, a.sha256, a.original_name, size, mime, a.uploaded_by, a.uploaded_at)
            for a, size, mime in s.execute(q)
        ]


def blob(sm: sessionmaker, sha256: str) -> tuple[bytes, str]:
    with sm() as s:
        row = s.get(BlobRow, sha256)
        if row is None:
            raise NotFound(f"file {sha256}")
        return row.data, row.mime


def remove_attachment(sm: sessionmaker, attachment_id: int, user: str) -> None:
    """Unlink a file from a result (the stored bytes stay: other results may use them; the audit names it)."""
    with sm.begin() as s:
        row = s.get(AttachmentRow, attachment_id)
        if row is None:
            raise NotFound(f"attachment {attachment_id}")
        _audit(s, user, "attachment", attachment_id, "delete", _snapshot(row), None)
        s.execute(delete(AttachmentRow).where(AttachmentRow.id == attachment_id))
