"""Settings from the environment, with defaults that make `make run` work on a fresh machine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    max_upload_bytes: int
    session_idle_minutes: int

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("MLPS_DATA_DIR") or ROOT / "data")
        url = os.environ.get("MLPS_DATABASE_URL") or f"sqlite:///{data_dir / 'mlps.db'}"
        limit_mb = float(os.environ.get("MLPS_MAX_UPLOAD_MB") or 20)
        idle = int(os.environ.get("MLPS_SESSION_IDLE_MINUTES") or 240)
        return cls(data_dir=data_dir, database_url=url, max_upload_bytes=int(limit_mb * 1024 * 1024),
                   session_idle_minutes=idle)  # fmt: skip
