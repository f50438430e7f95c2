"""Checks of the host: listening and high-risk services, remote administration in clear text, host firewall,
patch age, malware protection."""

from __future__ import annotations

import re
import time

from .findings import CONFORM, NONCONFORM, PARTIAL, UNKNOWN, finding, threshold
from .fsread import Root
from .parsing import first, sshd_settings

# ------------------------------------------------------------------------------------------------ listening ports


def _addr(hexaddr: str) -> str:
    ip, _, port = hexaddr.partition(":")
    if len(ip) == 8:
        octets = [str(int(ip[i : i + 2], 16)) for i in (6, 4, 2, 0)]
        return ".".join(octets)
    if set(ip) == {"0"}:
        return "::"
    if ip.upper() == "00000000000000000000000001000000":
        return "::1"
    return "ipv6"


def listening(root: Root) -> list[dict] | None:
    """Listening TCP sockets and bound UDP sockets from /proc/net (None when /proc/net is absent)."""
    found, any_file = [], False
    for proto in ("tcp", "tcp6", "udp", "udp6"):
        text = root.read("/proc/net/" + proto)
        if text is None:
            continue
        any_file = True
        for line in text.splitlines()[1:]:
            cols = line.split()
            if len(cols) < 4:
                continue
            if proto.startswith("tcp") and cols[3] != "0A":  # 0A = LISTEN
                continue
            if proto.startswith("udp") and cols[3] != "07":  # 07 = unconnected (bound)
                continue
            port = int(cols[1].rsplit(":", 1)[1], 16)
            addr = _addr(cols[1])
            found.append(
                {
                    "proto": proto.rstrip("6"),
                    "port": port,
                    "address": addr,
                    "loopback": addr.startswith("127.") or addr == "::1",
                }
            )
    if not any_file:
        return None
    unique = {(f["proto"], f["port"], f["address"]): f for f in found}
    return sorted(unique.values(), key=lambda f: (f["proto"], f["port"], f["address"]))


def _high_risk_table(t: dict) -> dict:
    """port/proto -> service name (data: mlps/controls/collector.yaml, high_risk_ports)."""
    return {str(k): v for k, v in (t.get("high_risk_ports") or {}).items()}


def _risky(socks: list[dict], t: dict, names: tuple = ()) -> list[dict]:
    table = _high_risk_table(t)
    out = []
    for s in socks:
        name = table.get(f"{s['port']}/{s['proto']}")
        if name is None and s["proto"] == "tcp" and 5900 <= s["port"] <= 5999:
            name = "vnc"
        if name and not s["loopback"] and (not names or name in names):
            out.append(dict(s, service=name))
    return out


def listening_services(root: Root, t: dict) -> dict:
    socks = listening(root)
    if socks is None:
        return finding(
            "listening_services",
            UNKNOWN,
            {"sockets": None},
            "无法读取 /proc/net，不能列出监听端口。",
            "/proc/net could not be read: listening ports are not listed.",
        )
    exposed = sorted(
        {f"{s['port']}/{s['proto']}" for s in socks if not s["loopback"]},
        key=lambda p: (p.split("/")[1], int(p.split("/")[0])),
    )
    return finding(
        "listening_services",
        UNKNOWN,
        {"sockets": socks, "exposed": exposed},
        f"对外监听的端口：{', '.join(exposed) or '无'}。是否都是业务需要的，请人工确认。",
        f"Ports open to the network: {', '.join(exposed) or 'none'}. Confirm by hand that each is needed.",
    )


HIGH_RISK_UNITS = [
    "telnet.socket",
    "telnetd.service",
    "vsftpd.service",
    "proftpd.service",
    "pure-ftpd.service",
    "tftp.socket",
    "tftpd-hpa.service",
    "rsh.socket",
    "rlogin.socket",
    "rexec.socket",
    "xinetd.service",
    "vncserver@.service",
    "x11vnc.service",
]


def high_risk_services(root: Root, t: dict) -> dict:
    socks = listening(root)
    risky = _risky(socks or [], t)
    enabled = [u for u in HIGH_RISK_UNITS if root.unit_installed(u) and root.unit_enabled(u)]
    observed = {"listening": risky, "enabled_units": enabled}
    if risky or enabled:
        names = sorted({r["service"] + f" ({r['port']}/{r['proto']})" for r in risky} | set(enabled))
        return finding(
            "high_risk_services",
            NONCONFORM,
            observed,
            f"开启了高危服务：{', '.join(names)}。",
            f"High-risk services are on: {', '.join(names)}.",
        )
    if socks is None and not root.isdir("/etc/systemd/system"):
        return finding(
            "high_risk_services",
            UNKNOWN,
            observed,
            "无法读取 /proc/net 和 systemd 配置。",
            "Neither /proc/net nor the systemd configuration could be read.",
        )
    return finding(
        "high_risk_services",
        CONFORM,
        observed,
        "没有对外监听的高危服务（telnet、ftp、tftp、rsh、rlogin、rexec、未经隧道的 VNC 等）。",
        "No high-risk service listens on the network (telnet, ftp, tftp, rsh, rlogin, rexec, VNC without a tunnel …).",
    )


CLEAR_TEXT_ADMIN = ("telnet", "rsh", "rlogin", "rexec", "vnc")


def remote_admin_encryption(root: Root, t: dict) -> dict:
    s, _, exists = sshd_settings(root)
    weak_list = set(t.get("weak_ssh_algorithms", ()))
    configured = []
    for key in ("ciphers", "macs", "kexalgorithms"):
        for word in ",".join(s.get(key, [])).split(","):
            word = word.strip().lstrip("+-^")
            if word:
                configured.append(word)
    weak = sorted({w for w in configured if w in weak_list})
    protocol1 = "1" in first(s, "protocol", "2").split(",")
    clear = _risky(listening(root) or [], t, CLEAR_TEXT_ADMIN)
    observed = {
        "sshd": exists,
        "weak_algorithms": weak,
        "protocol_1": protocol1,
        "clear_text_admin": [f"{c['service']} {c['port']}/{c['proto']}" for c in clear],
    }
    if clear or protocol1:
        what = ", ".join(observed["clear_text_admin"] + (["SSH protocol 1"] if protocol1 else []))
        return finding(
            "remote_admin_encryption",
            NONCONFORM,
            observed,
            f"远程管理可用明文方式：{what}。",
            f"Remote administration is possible in clear text: {what}.",
        )
    if not exists:
        return finding(
            "remote_admin_encryption",
            UNKNOWN,
            observed,
            "没有 sshd_config，也没有明文远程管理服务。",
            "No sshd_config and no clear-text remote administration service.",
        )
    if weak:
        return finding(
            "remote_admin_encryption",
            PARTIAL,
            observed,
            f"SSH 允许弱算法：{', '.join(weak)}。",
            f"SSH allows weak algorithms: {', '.join(weak)}.",
        )
    return finding(
        "remote_admin_encryption",
        CONFORM,
        observed,
        "远程管理使用 SSH，没有配置弱算法。",
        "Remote administration uses SSH with no weak algorithm configured.",
    )


# ------------------------------------------------------------------------------------------------ firewall


def host_firewall(root: Root, t: dict) -> dict:
    seen = []
    ufw = root.read("/etc/ufw/ufw.conf")
    if ufw is not None:
        on = bool(re.search(r"^\s*ENABLED\s*=\s*yes", ufw, re.M | re.I))
        seen.append({"firewall": "ufw", "enabled": on, "rules": on})
    fwd = root.service(["firewalld.service"], ["/usr/sbin/firewalld"])
    if fwd["installed"]:
        seen.append({"firewall": "firewalld", "enabled": fwd["enabled"] and fwd["active"] is not False, "rules": True})
    nft = root.service(["nftables.service"])
    if nft["installed"]:
        rules = any(
            re.search(r"\bchain\b.*|\bpolicy\s+drop", ln)
            for ln in root.lines("/etc/nftables.conf")
            + [ln for f in root.glob("/etc/sysconfig/nftables.conf") for ln in root.lines(f)]
        )
        seen.append({"firewall": "nftables", "enabled": nft["enabled"] and nft["active"] is not False, "rules": rules})
    ipt = root.service(["iptables.service", "netfilter-persistent.service"])
    if ipt["installed"]:
        lines = root.lines("/etc/sysconfig/iptables") + root.lines("/etc/iptables/rules.v4")
        rules = any(ln.startswith("-A") or ":INPUT DROP" in ln for ln in lines)
        seen.append({"firewall": "iptables", "enabled": ipt["enabled"] and ipt["active"] is not False, "rules": rules})
    observed = {"firewalls": seen}
    on = [f for f in seen if f["enabled"] and f["rules"]]
    if on:
        return finding(
            "host_firewall",
            CONFORM,
            observed,
            f"主机防火墙已启用：{on[0]['firewall']}。",
            f"A host firewall is enabled: {on[0]['firewall']}.",
        )
    if seen:
        return finding(
            "host_firewall",
            PARTIAL,
            observed,
            "安装了主机防火墙，但没有启用或没有规则。",
            "A host firewall is installed but not enabled, or has no rules.",
        )
    return finding(
        "host_firewall",
        NONCONFORM,
        observed,
        "没有主机防火墙（ufw、firewalld、nftables、iptables）。",
        "No host firewall (ufw, firewalld, nftables, iptables).",
    )


# ------------------------------------------------------------------------------------------------ patches

_STAMP = re.compile(r"(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})")


def _epoch(day: str, clock: str) -> float | None:
    try:
        return time.mktime(time.strptime(day + " " + clock, "%Y-%m-%d %H:%M:%S"))
    except ValueError:
        return None


def last_update(root: Root) -> tuple[float | None, str]:
    """When packages were last installed or upgraded, and where that was read."""
    best, source = None, ""
    logs = [
        ("/var/log/dpkg.log", r" (upgrade|install) "),
        ("/var/log/apt/history.log", r"^End-Date:"),
        ("/var/log/dnf.rpm.log", r"(Upgraded|Installed|Upgrade|Install):"),
        ("/var/log/dnf.log", r"(Upgraded|Installed):"),
    ]
    for path, marker in logs:
        text = root.read(path, tail=True)
        for line in (text or "").splitlines():
            if re.search(marker, line):
                m = _STAMP.search(line)
                when = _epoch(m.group(1), m.group(2)) if m else None
                if when and (best is None or when > best):
                    best, source = when, path
    out = root.command(["rpm", "-qa", "--qf", "%{INSTALLTIME}\\n"])
    for line in (out or "").splitlines():
        if line.strip().isdigit() and (best is None or int(line) > best):
            best, source = float(line), "rpm -qa"
    return best, source


def patch_age(root: Root, t: dict, now: float) -> dict:
    when, source = last_update(root)
    ok, late = threshold(t, "patch_conform_days"), threshold(t, "patch_partial_days")
    if when is None:
        return finding(
            "patch_age",
            UNKNOWN,
            {"last_update": None},
            "没有找到软件包更新记录（dpkg/apt/dnf 日志）。",
            "No package update record found (dpkg, apt or dnf logs).",
        )
    days = int(max(0.0, now - when) // 86400)
    observed = {"last_update": time.strftime("%Y-%m-%d", time.localtime(when)), "days_ago": days, "source": source}
    zh = f"最近一次软件包更新在 {observed['last_update']}，距今 {days} 天"
    en = f"Packages were last updated on {observed['last_update']}, {days} days ago"
    if days <= ok:
        return finding("patch_age", CONFORM, observed, f"{zh}（不超过 {ok} 天）。", f"{en} (at most {ok}).")
    if days <= late:
        return finding("patch_age", PARTIAL, observed, f"{zh}（超过 {ok} 天）。", f"{en} (more than {ok}).")
    return finding(
        "patch_age",
        NONCONFORM,
        observed,
        f"{zh}（超过 {late} 天，补丁明显滞后）。",
        f"{en} (more than {late}: patching is well behind).",
    )


# ------------------------------------------------------------------------------------------------ malware


def malware_protection(root: Root, t: dict, now: float) -> dict:
    products = t.get("malware_products") or []
    found = []
    for p in products:
        if any(root.exists(path) for path in p.get("paths", [])):
            svc = root.service(p["units"]) if p.get("units") else {"enabled": None, "active": None}
            found.append({"product": p["name"], "enabled": svc["enabled"], "active": svc["active"]})
    sigs = [root.mtime(f) for f in root.glob("/var/lib/clamav/*.c[lv]d")]
    sig_days = int((now - max(s for s in sigs if s)) // 86400) if any(sigs) else None
    observed = {"products": found, "clamav_signature_age_days": sig_days}
    running = [f for f in found if f["enabled"] and f["active"] is not False]
    if running:
        return finding(
            "malware_protection",
            CONFORM,
            observed,
            f"已安装并启用防恶意代码软件：{running[0]['product']}。",
            f"Anti-malware software is installed and enabled: {running[0]['product']}.",
        )
    if found:
        return finding(
            "malware_protection",
            PARTIAL,
            observed,
            f"安装了 {found[0]['product']}，但没有开机启用或没有运行。",
            f"{found[0]['product']} is installed but not enabled or not running.",
        )
    return finding(
        "malware_protection",
        NONCONFORM,
        observed,
        "没有找到防恶意代码软件。测评时常按 Windows 时代的做法要求服务器安装；Linux 上也可用可信验证或白名单等"
        "措施替代，请人工判断。",
        "No anti-malware software found. Assessors often expect it on servers, as on Windows; on Linux, "
        "trusted verification or allow-listing can stand in for it: judge by hand.",
    )
