"""The finding record every check returns, and the defaults of the thresholds the checks use."""

from __future__ import annotations

CONFORM, PARTIAL, NONCONFORM, UNKNOWN = "conform", "partial", "nonconform", "unknown"
VERDICTS = (CONFORM, PARTIAL, NONCONFORM, UNKNOWN)

# Used only when a bundle carries no mapping; the workbench's values are in mlps/controls/collector.yaml.
DEFAULT_THRESHOLDS = {
    "password_min_length": 8,
    "password_min_classes": 3,
    "password_max_days": 90,
    "login_failure_max_attempts": 10,
    "idle_timeout_max_seconds": 1800,
    "patch_conform_days": 90,
    "patch_partial_days": 180,
    "log_min_days": 180,
    "period_days": {"hourly": 1, "daily": 1, "weekly": 7, "monthly": 30, "yearly": 365},
}


def finding(check: str, verdict: str, observed: dict, zh: str, en: str) -> dict:
    assert verdict in VERDICTS, verdict
    return {"check": check, "item_ids": [], "observed": observed, "verdict": verdict, "detail_zh": zh, "detail_en": en}


def threshold(t: dict, name: str):
    return t.get(name, DEFAULT_THRESHOLDS[name])
