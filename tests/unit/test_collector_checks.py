"""The Linux collector's checks on fixture trees (tests/data/collector): conforming, weak and missing files."""

from __future__ import annotations

import calendar
import json
import shutil
import struct
from pathlib import Path

import pytest

from mlps.adapters.collector.bundle import collect, findings_sha256
from mlps.rules.collector import load_collector_map

TREES = Path(__file__).resolve().parents[1] / "data" / "collector"
NOW = calendar.timegm((2026, 12, 5, 0, 0, 0))

# check -> verdict on the hardened tree, on the weak tree, on a tree with (almost) no files
EXPECTED = {
    "password_policy": ("conform", "nonconform", "unknown"),
    "login_failure": ("conform", "nonconform", "unknown"),
    "ssh_idle_timeout": ("conform", "nonconform", "unknown"),
    "ssh_root_login": ("conform", "nonconform", "unknown"),
    "ssh_authentication": ("conform", "nonconform", "unknown"),
    "ssh_access_restriction": ("conform", "nonconform", "unknown"),
    "remote_admin_encryption": ("conform", "nonconform", "unknown"),
    "accounts_uid0": ("conform", "nonconform", "unknown"),
    "accounts_no_password": ("conform", "nonconform", "unknown"),
    "accounts_default_shell": ("conform", "nonconform", "unknown"),
    "sudoers_nopasswd_all": ("conform", "nonconform", "unknown"),
    "auditd_service": ("conform", "partial", "nonconform"),
    "auditd_rules": ("conform", "nonconform", "nonconform"),
    "auditd_log_settings": ("conform", "unknown", "unknown"),
    "log_retention": ("conform", "nonconform", "unknown"),
    "log_forwarding": ("conform", "nonconform", "nonconform"),
    "listening_services": ("unknown", "unknown", "unknown"),
    "high_risk_services": ("conform", "nonconform", "unknown"),
    "host_firewall": ("conform", "nonconform", "nonconform"),
    "time_sync": ("conform", "nonconform", "nonconform"),
    "patch_age": ("conform", "nonconform", "unknown"),
    "malware_protection": ("conform", "nonconform", "nonconform"),
}


@pytest.fixture(scope="module")
def mapping() -> dict:
    return load_collector_map().for_bundle()


@pytest.fixture(scope="module")
def bundles(mapping) -> dict:
    return {tree: collect(str(TREES / tree), mapping, 3, NOW) for tree in ("conform", "weak", "missing")}


def by_check(bundle: dict) -> dict:
    return {f["check"]: f for f in bundle["findings"]}


def test_every_check_is_reported_once(bundles):
    for bundle in bundles.values():
        assert sorted(f["check"] for f in bundle["findings"]) == sorted(EXPECTED)


@pytest.mark.parametrize("check", sorted(EXPECTED))
def test_verdict_on_conforming_weak_and_missing_trees(bundles, check):
    got = tuple(by_check(bundles[tree])[check]["verdict"] for tree in ("conform", "weak", "missing"))
    assert got == EXPECTED[check]
    for tree in ("conform", "weak", "missing"):
        f = by_check(bundles[tree])[check]
        assert f["detail_zh"] and f["detail_en"] and f["detail_zh"] != f["detail_en"]


def test_four_weekly_rotations_of_the_auth_log_keep_35_days(bundles):
    f = by_check(bundles["weak"])["log_retention"]
    assert f["observed"]["login_log_days"] == 35  # (4 rotated + the live week) x 7
    assert f["observed"]["system_log_days"] == 8  # syslog: daily, rotate 7
    assert bundles["weak"]["log_retention_days"] == 8
    assert f["verdict"] == "nonconform" and "180" in f["detail_en"]


def test_twenty_six_weekly_rotations_keep_189_days(bundles):
    f = by_check(bundles["conform"])["log_retention"]
    assert f["observed"]["login_log_days"] == 189 and bundles["conform"]["log_retention_days"] == 189
    assert f["verdict"] == "conform"
    assert f["item_ids"] == ["L3-CES1-14", "L3-SMC1-10"]


def test_a_second_uid_0_account_is_named(bundles):
    f = by_check(bundles["weak"])["accounts_uid0"]
    assert f["observed"]["uid0_accounts"] == ["root", "toor"] and "toor" in f["detail_en"]
    assert f["item_ids"] == ["L3-CES1-01", "L3-CES1-08"]


def test_sshd_permitting_root_login(bundles):
    weak = by_check(bundles["weak"])["ssh_root_login"]
    assert weak["verdict"] == "nonconform" and weak["observed"]["PermitRootLogin"] == "yes"  # not the Match block's
    assert by_check(bundles["conform"])["ssh_root_login"]["observed"]["PermitRootLogin"] == "no"


def test_sudo_rules_read_as_sudo_reads_them(bundles):
    f = by_check(bundles["weak"])["sudoers_nopasswd_all"]
    assert f["observed"]["nopasswd_all"] == ["deploy"]  # README.disabled has a dot: sudo skips it, so do we


def test_no_secret_leaves_the_machine(bundles):
    for bundle in bundles.values():
        text = json.dumps(bundle, ensure_ascii=False)
        assert "FIXTUREHASH" not in text and "$6$" not in text


def test_findings_checksum(bundles):
    bundle = bundles["weak"]
    assert bundle["findings_sha256"] == findings_sha256(bundle["findings"])
    changed = json.loads(json.dumps(bundle["findings"]))
    changed[0]["verdict"] = "conform"
    assert findings_sha256(changed) != bundle["findings_sha256"]


def test_item_ids_follow_the_level(mapping):
    level2 = by_check(collect(str(TREES / "weak"), mapping, 2, NOW))
    assert level2["log_retention"]["item_ids"] == ["L2-CES1-10"]
    assert level2["ssh_authentication"]["item_ids"] == []  # two-factor is asked from level 3


def test_host_and_shape(bundles):
    b = bundles["conform"]
    assert b["host"] == {"hostname": "web-01", "os": "Rocky Linux 9.4 (Blue Onyx)", "kernel": "5.14.0-427.el9.x86_64"}
    assert b["collected_at"] == "2026-12-05T00:00:00Z" and b["level"] == 3
    assert set(by_check(b)["password_policy"]) == {"check", "item_ids", "observed", "verdict", "detail_zh", "detail_en"}


def _tree(tmp_path: Path, files: dict[str, str | bytes]) -> str:
    root = tmp_path / "root"
    shutil.copytree(TREES / "missing", root)
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(content if isinstance(content, bytes) else content.encode())
    return str(root)


def test_persistent_journal_retention_counts_for_login_logs(tmp_path, mapping):
    root = _tree(tmp_path, {"etc/systemd/journald.conf": "[Journal]\nStorage=persistent\nMaxRetentionSec=7month\n"})
    b = collect(root, mapping, 3, NOW)
    assert b["log_retention_days"] == 213 and by_check(b)["log_retention"]["verdict"] == "conform"


def test_oldest_journal_entry_read_from_the_file_header(tmp_path, mapping):
    header = bytearray(256)
    header[:8] = b"LPKSHHRH"
    struct.pack_into("<Q", header, 184, int((NOW - 40 * 86400) * 1e6))
    root = _tree(
        tmp_path, {"var/log/journal/abc/system.journal": bytes(header), "etc/passwd": "root:x:0:0::/root:/bin/sh\n"}
    )
    b = collect(root, mapping, 3, NOW)
    assert by_check(b)["log_retention"]["observed"]["journald"]["oldest_entry_days"] == 40
    assert b["log_retention_days"] == 40


def test_size_based_rotation_is_not_turned_into_days(tmp_path, mapping):
    root = _tree(
        tmp_path,
        {"etc/logrotate.conf": "/var/log/secure {\n weekly\n size 100M\n rotate 10\n}\n", "var/log/secure": ""},
    )
    assert collect(root, mapping, 3, NOW)["log_retention_days"] is None


def test_maxage_caps_the_rotations(tmp_path, mapping):
    root = _tree(
        tmp_path,
        {"etc/logrotate.conf": "daily\nrotate 365\nmaxage 30\n/var/log/auth.log {\n}\n", "var/log/auth.log": ""},
    )
    assert collect(root, mapping, 3, NOW)["log_retention_days"] == 31
