"""Checks of audit and logs: auditd, its rules and log settings, how long logs are kept, forwarding, time sync."""

from __future__ import annotations

import re
import struct

from .findings import CONFORM, NONCONFORM, PARTIAL, UNKNOWN, finding, threshold
from .fsread import Root, match_any
from .parsing import ini_section, key_values, systemd_timespan, to_int

# ------------------------------------------------------------------------------------------------ auditd


def _auditd(root: Root) -> dict:
    return root.service(["auditd.service"], ["/sbin/auditd", "/usr/sbin/auditd"])


def _rsyslog_lines(root: Root) -> list[str]:
    out = root.lines("/etc/rsyslog.conf")
    for extra in root.glob("/etc/rsyslog.d/*.conf"):
        out += root.lines(extra)
    return out


def auditd_service(root: Root, t: dict) -> dict:
    svc = _auditd(root)
    auth_logged = bool(log_targets(root)["login"])
    observed = {"auditd": svc, "auth_log_targets": log_targets(root)["login"]}
    if svc["installed"] and svc["enabled"] and svc["active"] is not False:
        note_zh = "" if svc["active"] else "（运行状态未检查：读取的是文件树）"
        note_en = "" if svc["active"] else " (running state not checked: a file tree was read)"
        return finding(
            "auditd_service",
            CONFORM,
            observed,
            f"auditd 已安装、开机启用{'并在运行' if svc['active'] else ''}{note_zh}。",
            f"auditd is installed and enabled at boot{' and running' if svc['active'] else ''}{note_en}.",
        )
    if svc["installed"]:
        return finding(
            "auditd_service",
            PARTIAL,
            observed,
            "auditd 已安装，但没有开机启用或没有运行。",
            "auditd is installed but not enabled at boot or not running.",
        )
    if auth_logged:
        return finding(
            "auditd_service",
            PARTIAL,
            observed,
            "没有安装 auditd；系统日志记录了登录事件，但没有系统调用和文件访问的审计。",
            "auditd is not installed; the system log records logins, but system calls and file access are not audited.",
        )
    return finding(
        "auditd_service",
        NONCONFORM,
        observed,
        "没有安装 auditd，也没有找到登录日志的记录位置。",
        "auditd is not installed and no login log target was found.",
    )


def _audit_rules(root: Root) -> list[str]:
    out = root.lines("/etc/audit/audit.rules")
    if not out:
        for extra in root.glob("/etc/audit/rules.d/*.rules"):
            out += root.lines(extra)
    return out


WATCH_GROUPS = {
    "identity": ("/etc/passwd", "/etc/shadow", "/etc/group", "/etc/gshadow"),
    "privilege": ("/etc/sudoers", "sudoers.d", "/usr/bin/sudo", "/bin/su", "/usr/bin/su"),
    "logins": (
        "/var/log/lastlog",
        "/var/log/faillog",
        "/var/run/faillock",
        "/var/log/tallylog",
        "/run/faillock",
        "/var/log/wtmp",
        "/var/log/btmp",
    ),
}


def auditd_rules(root: Root, t: dict) -> dict:
    rules = [r for r in _audit_rules(root) if r.startswith(("-w", "-a"))]
    covered = sorted(g for g, words in WATCH_GROUPS.items() if any(w in r for r in rules for w in words))
    execve = any("execve" in r for r in rules)
    observed = {"rules": len(rules), "covered": covered, "execve_rules": execve}
    if not _auditd(root)["installed"]:
        return finding(
            "auditd_rules",
            NONCONFORM,
            observed,
            "没有安装 auditd，没有审计规则。",
            "auditd is not installed: there are no audit rules.",
        )
    if len(covered) == len(WATCH_GROUPS):
        return finding(
            "auditd_rules",
            CONFORM,
            observed,
            f"{len(rules)} 条审计规则，覆盖账户文件、特权操作和登录记录。",
            f"{len(rules)} audit rules covering account files, privileged actions and login records.",
        )
    if rules:
        missing = sorted(set(WATCH_GROUPS) - set(covered))
        return finding(
            "auditd_rules",
            PARTIAL,
            observed,
            f"{len(rules)} 条审计规则，但没有覆盖：{', '.join(missing)}。",
            f"{len(rules)} audit rules, but none for: {', '.join(missing)}.",
        )
    return finding("auditd_rules", NONCONFORM, observed, "auditd 没有任何审计规则。", "auditd has no audit rules.")


def auditd_log_settings(root: Root, t: dict) -> dict:
    conf = key_values(root.lines("/etc/audit/auditd.conf"))
    immutable = any(r.replace(" ", "") == "-e2" for r in _audit_rules(root))
    action = conf.get("max_log_file_action", "ROTATE").upper()
    full = conf.get("disk_full_action", "SUSPEND").upper()
    space = conf.get("space_left_action", "SYSLOG").upper()
    num_logs = to_int(conf.get("num_logs"), 5)
    observed = {
        "max_log_file": to_int(conf.get("max_log_file")),
        "max_log_file_action": action,
        "num_logs": num_logs,
        "space_left_action": space,
        "disk_full_action": full,
        "rules_immutable": immutable,
    }
    if not root.exists("/etc/audit/auditd.conf"):
        return finding(
            "auditd_log_settings", UNKNOWN, observed, "没有 /etc/audit/auditd.conf。", "No /etc/audit/auditd.conf."
        )
    problems_zh, problems_en = [], []
    if action in ("IGNORE", "SUSPEND"):
        problems_zh.append(f"日志写满后 {action}（停止记录）")
        problems_en.append(f"when the log is full it does {action} (stops recording)")
    if full in ("IGNORE", "SUSPEND") or space == "IGNORE":
        problems_zh.append(f"磁盘不足时 {space}/{full}")
        problems_en.append(f"on low disk {space}/{full}")
    if not immutable:
        problems_zh.append("审计规则未锁定（-e 2），管理员可随时停止审计")
        problems_en.append("rules are not locked (-e 2): an administrator can stop auditing at any time")
    if not problems_zh:
        return finding(
            "auditd_log_settings",
            CONFORM,
            observed,
            "审计日志轮转保留、磁盘不足时告警、规则已锁定。",
            "Audit logs are rotated and kept, low disk raises an alarm, and the rules are locked.",
        )
    verdict = PARTIAL if len(problems_zh) < 3 else NONCONFORM
    return finding(
        "auditd_log_settings",
        verdict,
        observed,
        "审计日志的保护不足：" + "；".join(problems_zh) + "。",
        "Audit logs are not fully protected: " + "; ".join(problems_en) + ".",
    )


# ------------------------------------------------------------------------------------------------ log retention

DEFAULT_LOGIN_LOGS = ["/var/log/secure", "/var/log/auth.log"]
DEFAULT_SYSTEM_LOGS = ["/var/log/messages", "/var/log/syslog"]


def log_targets(root: Root) -> dict:
    """Files rsyslog writes login (auth/authpriv) and general system messages to, and remote targets."""
    login, system, remote = [], [], []
    for line in _rsyslog_lines(root):
        if re.search(r'type\s*=\s*"omfwd"', line) or re.search(r"(^|\s)@@?[\w\[(]", line):
            remote.append(line)
            continue
        parts = line.split()
        if len(parts) < 2 or "." not in parts[0] or parts[0].startswith(("$", "module(", "action(")):
            continue
        target = parts[-1].lstrip("-")
        if not target.startswith("/"):
            continue
        selectors = parts[0].split(";")
        for sel in selectors:
            facilities, _, priority = sel.partition(".")
            if priority == "none":
                continue
            facs = facilities.split(",")
            if "auth" in facs or "authpriv" in facs:
                login.append(target)
            if "*" in facs:
                system.append(target)
                if not any(s.startswith(("auth.none", "authpriv.none", "auth,authpriv.none")) for s in selectors):
                    login.append(target)
    login = sorted(set(login)) or [p for p in DEFAULT_LOGIN_LOGS if root.exists(p)]
    system = sorted(set(system)) or [p for p in DEFAULT_SYSTEM_LOGS if root.exists(p)]
    return {"login": login, "system": system, "remote": remote}


def _logrotate_blocks(root: Root) -> tuple[dict, list[tuple[list[str], dict]]]:
    """The global directives and the (path patterns, directives) blocks of logrotate's configuration."""
    glob_dirs: dict = {}
    blocks: list[tuple[list[str], dict]] = []
    seen: set[str] = set()

    def parse(path: str, depth: int) -> None:
        if path in seen or depth > 4:
            return
        seen.add(path)
        pending: list[str] = []
        current = None
        in_script = False
        for line in root.lines(path):
            word = line.split()[0]
            if in_script:
                in_script = word != "endscript"
                continue
            if word in ("postrotate", "prerotate", "firstaction", "lastaction", "preremove"):
                in_script = True
                continue
            if current is None and (line.startswith(("/", '"', "'")) or "{" in line):
                head = line.split("{", 1)[0]
                pending += [p.strip("\"'") for p in head.split()]
                if "{" in line:
                    current = {}
                    body = line.split("{", 1)[1].strip()
                    if body.endswith("}"):
                        blocks.append((pending, current))
                        pending, current = [], None
                continue
            if current is not None and line.startswith("}"):
                blocks.append((pending, current))
                pending, current = [], None
                continue
            parts = line.split()
            target = current if current is not None else glob_dirs
            if parts[0] == "include" and current is None and len(parts) > 1:
                inc = parts[1]
                for f in root.glob(inc.rstrip("/") + "/*") if root.isdir(inc) else [inc]:
                    if not f.endswith((".rpmsave", ".rpmorig", ".dpkg-old", ".dpkg-dist", "~", ".disabled")):
                        parse(f, depth + 1)
                continue
            target[parts[0]] = parts[1] if len(parts) > 1 else True

    parse("/etc/logrotate.conf", 0)
    return glob_dirs, blocks


PERIODS = ("hourly", "daily", "weekly", "monthly", "yearly")


def logrotate_days(root: Root, path: str, t: dict) -> dict:
    """Days of a log file logrotate keeps: (rotated copies, capped by maxage, + the live file's period) × period."""
    glob_dirs, blocks = _logrotate_blocks(root)
    block = next((d for patterns, d in blocks if match_any(path, patterns)), None)
    if block is None:
        return {"file": path, "logrotate": False, "days": None}
    merged = dict(glob_dirs)
    for p in PERIODS:  # a period set in the block replaces the global one
        if any(q in block for q in PERIODS):
            merged.pop(p, None)
    merged.update(block)
    period = next((p for p in PERIODS if p in merged), None)
    rotate = to_int(merged.get("rotate"), 0)
    maxage = to_int(merged.get("maxage"))
    info = {
        "file": path,
        "logrotate": True,
        "period": period,
        "rotate": rotate,
        "maxage": maxage,
        "size": merged.get("size"),
        "days": None,
    }
    if period is None or "size" in merged:
        return info  # rotated by size: how many days that is depends on how much is logged
    per = threshold(t, "period_days").get(period, 1)
    kept = rotate * per
    if maxage is not None:
        kept = min(kept, maxage)
    info["days"] = kept + per
    return info


JOURNAL_HEADER_REALTIME = 184  # offset of head_entry_realtime (µs) in a journal file's header


def journal_oldest(root: Root) -> float | None:
    """The oldest entry (seconds since the epoch) in the persistent journal files' headers, where readable."""
    oldest = None
    for f in root.glob("/var/log/journal/*/*.journal"):
        data = root.read_bytes(f)
        if not data or len(data) < JOURNAL_HEADER_REALTIME + 8 or data[:8] != b"LPKSHHRH":
            continue
        (usec,) = struct.unpack_from("<Q", data, JOURNAL_HEADER_REALTIME)
        if usec and (oldest is None or usec / 1e6 < oldest):
            oldest = usec / 1e6
    return oldest


def journald_days(root: Root, now: float) -> dict:
    lines = root.lines("/etc/systemd/journald.conf")
    for extra in root.glob("/etc/systemd/journald.conf.d/*.conf"):
        lines += root.lines(extra)
    conf = ini_section(lines, "Journal")
    storage = conf.get("Storage", "auto").lower()
    persistent = storage == "persistent" or (storage == "auto" and root.isdir("/var/log/journal"))
    retention = systemd_timespan(conf.get("MaxRetentionSec", ""))
    oldest = journal_oldest(root) if persistent else None
    info = {
        "storage": storage,
        "persistent": persistent,
        "MaxRetentionSec": conf.get("MaxRetentionSec"),
        "SystemMaxUse": conf.get("SystemMaxUse"),
        "oldest_entry_days": None,
        "days": None,
    }
    if oldest is not None:
        info["oldest_entry_days"] = int(max(0.0, now - oldest) // 86400)
    if persistent:
        if retention:
            info["days"] = int(retention // 86400)
        elif info["oldest_entry_days"] is not None:
            info["days"] = info["oldest_entry_days"]
    return info


def retention(root: Root, t: dict, now: float) -> dict:
    """Days of login and system logs kept on this machine, from logrotate, journald and rsyslog's targets."""
    targets = log_targets(root)
    journal = journald_days(root, now)
    out = {"targets": targets, "journald": journal, "files": []}
    for kind in ("login", "system"):
        days = [logrotate_days(root, p, t) for p in targets[kind]]
        out["files"] += days
        known = [d["days"] for d in days if d["days"] is not None]
        candidates = known + ([journal["days"]] if journal["days"] is not None else [])
        out[kind + "_days"] = max(candidates) if candidates else None
    login, system = out["login_days"], out["system_days"]
    out["days"] = None if login is None else (min(login, system) if system is not None else login)
    return out


def log_retention(root: Root, t: dict, now: float) -> tuple[dict, int | None]:
    r = retention(root, t, now)
    floor = threshold(t, "log_min_days")
    days = r["days"]
    observed = {
        "login_log_days": r["login_days"],
        "system_log_days": r["system_days"],
        "files": r["files"],
        "journald": r["journald"],
        "login_targets": r["targets"]["login"],
    }
    if days is None:
        f = finding(
            "log_retention",
            UNKNOWN,
            observed,
            "无法确定登录日志的留存天数（没有找到 logrotate 的轮转设置或持久化的 journald）。",
            "The retention of login logs could not be determined (no logrotate rotation found for them and "
            "no persistent journal).",
        )
        return f, None
    system_zh = r["system_days"] if r["system_days"] is not None else "未知"
    detail_zh = f"登录日志留存约 {r['login_days']} 天，系统日志约 {system_zh} 天"
    detail_en = (
        f"Login logs are kept about {r['login_days']} days, system logs about "
        f"{r['system_days'] if r['system_days'] is not None else 'an unknown number of'} days"
    )
    if days >= floor:
        return finding(
            "log_retention",
            CONFORM,
            observed,
            f"{detail_zh}，不少于 {floor} 天（六个月）。",
            f"{detail_en}: at least {floor} days (six months).",
        ), days
    return finding(
        "log_retention",
        NONCONFORM,
        observed,
        f"{detail_zh}，少于网络安全法要求的六个月（{floor} 天）。",
        f"{detail_en}: less than the six months ({floor} days) the Cybersecurity Law asks for.",
    ), days


def log_forwarding(root: Root, t: dict) -> dict:
    remote = log_targets(root)["remote"]
    upload = root.service(["systemd-journal-upload.service"])
    agents = [
        a
        for a in (
            "/etc/filebeat/filebeat.yml",
            "/etc/fluent-bit/fluent-bit.conf",
            "/etc/td-agent/td-agent.conf",
            "/etc/syslog-ng/syslog-ng.conf",
        )
        if root.exists(a)
    ]
    observed = {"rsyslog_remote": remote, "journal_upload": upload["enabled"], "agents": agents}
    if remote or upload["enabled"]:
        return finding(
            "log_forwarding",
            CONFORM,
            observed,
            "日志转发到集中的日志服务器。",
            "Logs are forwarded to a central log server.",
        )
    if agents:
        return finding(
            "log_forwarding",
            UNKNOWN,
            observed,
            f"有日志采集程序的配置（{', '.join(agents)}），是否转发请人工确认。",
            f"A log shipper is configured ({', '.join(agents)}); check by hand where it sends.",
        )
    return finding(
        "log_forwarding",
        NONCONFORM,
        observed,
        "日志只保存在本机，没有转发到集中的日志服务器。",
        "Logs stay on this machine: nothing forwards them to a central log server.",
    )


# ------------------------------------------------------------------------------------------------ time sync


def time_sync(root: Root, t: dict) -> dict:
    candidates = [
        (
            "chrony",
            ["chronyd.service", "chrony.service"],
            ["/etc/chrony.conf", "/etc/chrony/chrony.conf"],
            r"(server|pool|peer)\s+\S+",
        ),
        (
            "ntp",
            ["ntpd.service", "ntp.service", "ntpsec.service"],
            ["/etc/ntp.conf", "/etc/ntpsec/ntp.conf"],
            r"(server|pool|peer)\s+\S+",
        ),
        ("timesyncd", ["systemd-timesyncd.service"], ["/etc/systemd/timesyncd.conf"], r"(Fallback)?NTP=\S+"),
    ]
    seen = []
    for name, units, confs, pattern in candidates:
        lines = [ln for c in confs for ln in root.lines(c)]
        servers = [ln.split("=", 1)[-1] if "=" in ln else ln.split()[1] for ln in lines if re.match(pattern, ln)]
        svc = root.service(units)
        if not svc["installed"] and not any(root.exists(c) for c in confs):
            continue
        if name == "timesyncd" and not servers:
            servers = ["(built-in default)"]  # timesyncd falls back to its compiled-in servers [R]
        seen.append({"daemon": name, "servers": servers, "enabled": svc["enabled"], "active": svc["active"]})
    observed = {"daemons": seen}
    good = [d for d in seen if d["servers"] and d["enabled"] and d["active"] is not False]
    if good:
        d = good[0]
        return finding(
            "time_sync",
            CONFORM,
            observed,
            f"{d['daemon']} 已启用，时间源：{', '.join(d['servers'][:3])}。",
            f"{d['daemon']} is enabled, time sources: {', '.join(d['servers'][:3])}.",
        )
    if seen:
        return finding(
            "time_sync",
            PARTIAL,
            observed,
            "有时间同步程序的配置，但没有启用或没有配置时间源。",
            "A time-sync daemon is configured but not enabled, or has no time source.",
        )
    return finding(
        "time_sync",
        NONCONFORM,
        observed,
        "没有时间同步（chrony、ntpd、systemd-timesyncd 都没有）。",
        "No time synchronisation (no chrony, ntpd or systemd-timesyncd).",
    )
