"""Workbench side of the collector: build the single-file bundle, and read a bundle a user uploads.

Not copied into the bundle (it may use anything the workbench has)."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from mlps.adapters.collector import COLLECTOR_VERSION
from mlps.adapters.collector.bundle import BUNDLE_FORMAT, FORMAT_VERSION, findings_sha256
from mlps.adapters.collector.findings import VERDICTS
from mlps.rules.levels import is_level

CORE_MODULES = ("__init__", "findings", "fsread", "parsing", "checks_auth", "checks_logs", "checks_host", "bundle")
PACKAGE = "mlps_collector"
MAX_BUNDLE_BYTES = 5 * 1024 * 1024


def build_zipapp(mapping: dict) -> bytes:
    """The collector as one zipapp (`python3 -I -S collector.pyz --root / --format text`): the core modules and
    the mapping as JSON; fixed timestamps, so the same sources give the same bytes."""
    here = Path(__file__).parent
    buf = io.BytesIO()
    buf.write(b"#!/usr/bin/env python3\n")
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:

        def put(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)

        put("__main__.py", f"from {PACKAGE}.bundle import main\nimport sys\nsys.exit(main())\n".encode())
        for name in CORE_MODULES:
            put(f"{PACKAGE}/{name}.py", (here / f"{name}.py").read_bytes())
        put(f"{PACKAGE}/mapping.json", json.dumps(mapping, ensure_ascii=False, sort_keys=True).encode("utf-8"))
    return buf.getvalue()


class BundleError(ValueError):
    """An uploaded file is not a collector bundle we can read; the message says what and where."""


@dataclass(frozen=True)
class ReadBundle:
    raw: dict
    sha256: str  # of the file's bytes
    hostname: str
    os: str
    kernel: str
    collected_at: str
    level: int | None
    collector_version: str
    findings: tuple[dict, ...]
    log_retention_days: int | None
    findings_sha256: str


def read_bundle(data: bytes) -> ReadBundle:
    """Parse and check an uploaded bundle: its shape, its verdicts and the sha256 of its findings."""
    if not data:
        raise BundleError("the file is empty")
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleError(
            f"the file is {len(data) / 1048576:.1f} MB; a bundle is at most {MAX_BUNDLE_BYTES // 1048576} MB"
        )
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BundleError(f"not JSON: {exc}") from None
    if not isinstance(raw, dict) or raw.get("format") != BUNDLE_FORMAT:
        raise BundleError(f"not a collector bundle (its 'format' is not '{BUNDLE_FORMAT}')")
    if raw.get("format_version") != FORMAT_VERSION:
        raise BundleError(f"bundle format version {raw.get('format_version')!r} is not {FORMAT_VERSION}")
    findings = raw.get("findings")
    if not isinstance(findings, list) or not findings:
        raise BundleError("'findings' is missing or empty")
    for n, f in enumerate(findings, 1):
        if not isinstance(f, dict):
            raise BundleError(f"finding {n} is not an object")
        for key in ("check", "verdict", "detail_zh", "detail_en"):
            if not isinstance(f.get(key), str):
                raise BundleError(f"finding {n}: '{key}' is missing or not text")
        if f["verdict"] not in VERDICTS:
            raise BundleError(
                f"finding {n} ({f['check']}): verdict '{f['verdict']}' is not one of {', '.join(VERDICTS)}"
            )
    if findings_sha256(findings) != raw.get("findings_sha256"):
        raise BundleError("the sha256 of the findings does not match: the file was changed after collection")
    days = raw.get("log_retention_days")
    if days is not None and (not isinstance(days, int) or isinstance(days, bool) or days < 0):
        raise BundleError(f"'log_retention_days' must be a whole number of days or null, not {days!r}")
    host = raw.get("host") if isinstance(raw.get("host"), dict) else {}
    level = raw.get("level") if is_level(raw.get("level"), assessed=True) else None
    return ReadBundle(
        raw=raw,
        sha256=hashlib.sha256(data).hexdigest(),
        hostname=str(host.get("hostname") or "")[:200],
        os=str(host.get("os") or "")[:200],
        kernel=str(host.get("kernel") or "")[:100],
        collected_at=str(raw.get("collected_at") or ""),
        level=level,
        collector_version=str(raw.get("collector_version") or ""),
        findings=tuple(findings),
        log_retention_days=days,
        findings_sha256=raw["findings_sha256"],
    )


__all__ = ["COLLECTOR_VERSION", "BundleError", "ReadBundle", "build_zipapp", "read_bundle"]
