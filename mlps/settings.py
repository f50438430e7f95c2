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
    # Behind a reverse proxy (deploy/nginx), the client's address for sign-in throttling comes from X-Real-IP.
    trusted_proxy: bool = False
    # Single sign-on: whether the identity provider verifies every e-mail it sends even without an
    # `email_verified` claim (some do not send the claim at all). Off: only `email_verified: true` counts.
    sso_trusts_email: bool = False
    # Browser sessions opened without a live session cookie (the sign-in page): each costs the server a moment of
    # work, so a flood of them is bounded: at most this many new ones a second (a short burst of twice as many),
    # and at most `anonymous_sessions_per_address` open at once from one address. Signed-in browsers are not
    # counted. A refused browser retries by itself a moment later.
    new_sessions_per_second: float = 2.0
    anonymous_sessions_per_address: int = 20

    @classmethod
    def from_env(cls) -> Settings:
        data_dir = Path(os.environ.get("MLPS_DATA_DIR") or ROOT / "data")
        url = os.environ.get("MLPS_DATABASE_URL") or f"sqlite:///{data_dir / 'mlps.db'}"
        limit_mb = float(os.environ.get("MLPS_MAX_UPLOAD_MB") or 20)
        idle = int(os.environ.get("MLPS_SESSION_IDLE_MINUTES") or 240)
        per_address = int(os.environ.get("MLPS_ANONYMOUS_SESSIONS_PER_ADDRESS") or 20)
        return cls(data_dir=data_dir, database_url=url, max_upload_bytes=int(limit_mb * 1024 * 1024),
                   session_idle_minutes=idle, trusted_proxy=_flag("MLPS_TRUSTED_PROXY"),
                   sso_trusts_email=_flag("MLPS_SSO_TRUSTS_EMAIL"),
                   new_sessions_per_second=float(os.environ.get("MLPS_NEW_SESSIONS_PER_SECOND") or 2),
                   anonymous_sessions_per_address=per_address)  # fmt: skip


def _flag(name: str) -> bool:
    return (os.environ.get(name) or "").strip().lower() in ("1", "true", "yes", "on")
