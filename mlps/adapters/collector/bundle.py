"""Run every check and assemble the bundle: host, findings with their item ids, log retention, a checksum."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pkgutil
import sys
import time

from . import COLLECTOR_VERSION, checks_auth, checks_host, checks_logs
from .findings import UNKNOWN, finding
from .fsread import Root

BUNDLE_FORMAT = "mlps-collector-bundle"
FORMAT_VERSION = 1

# (check name, function, whether it takes the time of collection)
CHECKS = [
    ("password_policy", checks_auth.password_policy, False),
    ("login_failure", checks_auth.login_failure, False),
    ("ssh_idle_timeout", checks_auth.ssh_idle_timeout, False),
    ("ssh_root_login", checks_auth.ssh_root_login, False),
    ("ssh_authentication", checks_auth.ssh_authentication, False),
    ("ssh_access_restriction", checks_auth.ssh_access_restriction, False),
    ("remote_admin_encryption", checks_host.remote_admin_encryption, False),
    ("accounts_uid0", checks_auth.accounts_uid0, False),
    ("accounts_no_password", checks_auth.accounts_no_password, False),
    ("accounts_default_shell", checks_auth.accounts_default_shell, False),
    ("sudoers_nopasswd_all", checks_auth.sudoers_nopasswd, False),
    ("auditd_service", checks_logs.auditd_service, False),
    ("auditd_rules", checks_logs.auditd_rules, False),
    ("auditd_log_settings", checks_logs.auditd_log_settings, False),
    ("log_retention", None, True),
    ("log_forwarding", checks_logs.log_forwarding, False),
    ("listening_services", checks_host.listening_services, False),
    ("high_risk_services", checks_host.high_risk_services, False),
    ("host_firewall", checks_host.host_firewall, False),
    ("time_sync", checks_logs.time_sync, False),
    ("patch_age", checks_host.patch_age, True),
    ("malware_protection", checks_host.malware_protection, True),
]


def findings_sha256(findings: list) -> str:
    """sha256 of the findings as canonical JSON (sorted keys, no spaces, UTF-8)."""
    text = json.dumps(findings, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _host(root: Root) -> dict:
    release = {}
    for line in root.lines("/etc/os-release") or root.lines("/usr/lib/os-release"):
        k, _, v = line.partition("=")
        release[k.strip()] = v.strip().strip('"')
    hostname = (root.read("/etc/hostname") or root.read("/proc/sys/kernel/hostname") or "").strip()
    kernel = (root.read("/proc/sys/kernel/osrelease") or "").strip()
    if not kernel and root.live:
        kernel = os.uname().release
    return {
        "hostname": hostname.splitlines()[0] if hostname else "",
        "os": release.get("PRETTY_NAME", ""),
        "kernel": kernel,
    }


def bundled_mapping() -> dict | None:
    """The mapping copied into a bundle by `mlps collect --bundle` (None when run from the source tree)."""
    try:
        data = pkgutil.get_data(__package__, "mapping.json")
    except (OSError, ValueError):
        return None
    return json.loads(data.decode("utf-8")) if data else None


def collect(root_dir: str = "/", mapping: dict | None = None, level: int = 3, now: float | None = None) -> dict:
    """Run every check against `root_dir` and return the bundle (a dict ready for JSON)."""
    root = Root(root_dir)
    now = time.time() if now is None else now
    mapping = mapping or {}
    t = mapping.get("thresholds", {})
    items = mapping.get("checks", {})
    findings, retention_days = [], None
    for name, fn, timed in CHECKS:
        try:
            if name == "log_retention":
                f, retention_days = checks_logs.log_retention(root, t, now)
            else:
                f = fn(root, t, now) if timed else fn(root, t)
        except Exception as exc:  # one unreadable or odd file never stops the others
            f = finding(
                name,
                UNKNOWN,
                {"error": type(exc).__name__},
                f"检查出错：{type(exc).__name__}。",
                f"The check failed: {type(exc).__name__}.",
            )
        f["item_ids"] = list((items.get(name, {}).get("items", {}) or {}).get(str(level), []))
        findings.append(f)
    return {
        "format": BUNDLE_FORMAT,
        "format_version": FORMAT_VERSION,
        "collector_version": COLLECTOR_VERSION,
        "mapping_version": mapping.get("version", ""),
        "level": level,
        "host": _host(root),
        "root": root.root,
        "collected_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
        "findings": findings,
        "log_retention_days": retention_days,
        "findings_sha256": findings_sha256(findings),
        "files_read": sorted(set(root.read_paths)),
        "files_unreadable": sorted(set(root.unreadable)),
    }


MARKS = {"conform": "OK ", "partial": "~  ", "nonconform": "X  ", "unknown": "?  "}


def as_text(bundle: dict) -> str:
    """The bundle for reading on the server: one line per finding, Chinese first."""
    h = bundle["host"]
    out = [
        f"MLPS collector {bundle['collector_version']} · {h['hostname']} · {h['os']} · {h['kernel']} · "
        f"{bundle['collected_at']} · level {bundle['level']}",
        f"日志留存 / log retention: {bundle['log_retention_days'] if bundle['log_retention_days'] is not None else '?'}"
        " days",
        "",
    ]
    for f in bundle["findings"]:
        out.append(f"{MARKS[f['verdict']]}{f['check']:<24} {', '.join(f['item_ids'])}")
        out.append(f"    {f['detail_zh']}")
        out.append(f"    {f['detail_en']}")
    out += ["", f"sha256 of findings: {bundle['findings_sha256']}"]
    return "\n".join(out)


def main(argv: list | None = None, mapping: dict | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="mlps-collector",
        description="Read-only MLPS evidence collector for Linux: reads settings, changes nothing, sends nothing.",
    )
    parser.add_argument("--root", default="/", help="read this directory as the machine's / (default: /)")
    parser.add_argument("--format", choices=["json", "text"], default="json")
    parser.add_argument(
        "--level",
        type=int,
        choices=[1, 2, 3, 4],
        default=None,
        help="the system's protection level, for the item ids (default: the bundle's, else 3)",
    )
    args = parser.parse_args(argv)
    if not os.path.isdir(args.root):
        sys.stderr.write(f"--root: {args.root} is not a directory\n")
        return 2
    mapping = mapping if mapping is not None else bundled_mapping()
    level = args.level or (mapping or {}).get("default_level") or 3
    bundle = collect(args.root, mapping, level)
    if args.format == "text":
        sys.stdout.write(as_text(bundle) + "\n")
    else:
        sys.stdout.write(json.dumps(bundle, ensure_ascii=False, indent=1) + "\n")
    return 0
