"""Small parsers for the settings files the checks read (no third-party code, Python 3.8)."""

from __future__ import annotations

import re

from .fsread import Root


def key_values(lines: list[str], sep: str = "=") -> dict[str, str]:
    """`key = value` (sep "=") or `KEY value` (sep " ") lines; later lines win; keys lower-cased."""
    out: dict[str, str] = {}
    for line in lines:
        if line.startswith("["):
            continue
        if sep == "=":
            if "=" not in line:
                continue
            k, v = line.split("=", 1)
        else:
            parts = line.split(None, 1)
            k, v = parts[0], parts[1] if len(parts) > 1 else ""
        out[k.strip().lower()] = v.strip().strip('"').strip("'")
    return out


def ini_section(lines: list[str], section: str) -> dict[str, str]:
    """`key=value` lines of one `[section]` of a systemd-style file."""
    out: dict[str, str] = {}
    current = ""
    for line in lines:
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            continue
        if current.lower() == section.lower() and "=" in line:
            k, v = line.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def to_int(value, default=None):
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return default


_SPAN_UNITS = [
    (("usec", "us", "µs"), 1e-6),
    (("msec", "ms"), 1e-3),
    (("seconds", "second", "sec", "s"), 1.0),
    (("minutes", "minute", "min", "m"), 60.0),
    (("hours", "hour", "hr", "h"), 3600.0),
    (("days", "day", "d"), 86400.0),
    (("weeks", "week", "w"), 604800.0),
    (("months", "month", "M"), 2629800.0),
    (("years", "year", "y"), 31557600.0),
]


def _span_factor(unit: str) -> float | None:
    if unit == "M":
        return 2629800.0
    if unit == "m":
        return 60.0
    low = unit.lower()
    for names, secs in _SPAN_UNITS:
        if low in names:
            return secs
    return None


def systemd_timespan(text: str) -> float | None:
    """Seconds in a systemd time span ("6month", "1y 2w", "180d", "3600"); None when unreadable."""
    text = (text or "").strip()
    if not text:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text)
    total, pos = 0.0, 0
    for m in re.finditer(r"\s*(\d+(?:\.\d+)?)\s*([A-Za-z\u00b5]+)", text):
        factor = _span_factor(m.group(2))
        if m.start() != pos or factor is None:
            return None
        total += float(m.group(1)) * factor
        pos = m.end()
    return total if pos == len(text) else None


def pam_lines(root: Root, files: list[str]) -> list[tuple[str, str, str, list[str], str]]:
    """(file, type, control, module, args) of the PAM stacks `files` name, following include/substack/@include."""
    seen: set[str] = set()
    out: list = []

    def walk(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        path = name if name.startswith("/") else "/etc/pam.d/" + name
        for line in root.lines(path):
            if line.startswith("@include"):
                parts = line.split()
                if len(parts) > 1:
                    walk(parts[1])
                continue
            m = re.match(r"-?(\w+)\s+(\[[^\]]*\]|\S+)\s+(\S+)\s*(.*)$", line)
            if not m:
                continue
            kind, control, module, rest = m.groups()
            if control in ("include", "substack"):
                walk(module)
                continue
            out.append((path, kind.lower(), control, module.rsplit("/", 1)[-1], rest.split()))

    for f in files:
        walk(f)
    return out


def pam_args(args: list[str]) -> dict[str, str]:
    out = {}
    for a in args:
        k, _, v = a.partition("=")
        out[k.lower()] = v
    return out


def sshd_settings(root: Root) -> tuple[dict[str, list[str]], list[str], bool]:
    """The global sshd settings (keyword lower-cased -> its first value's words, as sshd takes the first), the
    Match conditions seen, and whether sshd_config exists. Include files are read where they appear."""
    settings: dict[str, list[str]] = {}
    matches: list[str] = []
    state = {"in_match": False}

    def read(path: str, depth: int) -> None:
        for line in root.lines(path):
            parts = line.split(None, 1)
            key = parts[0].lower()
            rest = parts[1] if len(parts) > 1 else ""
            if "=" in key:  # Keyword=value
                key, _, first = key.partition("=")
                rest = (first + " " + rest).strip()
            if key == "include" and depth < 5:
                for pattern in rest.split():
                    pattern = pattern if pattern.startswith("/") else "/etc/ssh/" + pattern
                    for inc in root.glob(pattern):
                        read(inc, depth + 1)
                continue
            if key == "match":
                matches.append(rest)
                state["in_match"] = True
                continue
            if state["in_match"]:
                continue
            if key in ("listenaddress", "allowusers", "allowgroups", "denyusers", "denygroups"):
                settings.setdefault(key, []).extend(rest.split())
            elif key not in settings:
                settings[key] = rest.split()

    exists = root.exists("/etc/ssh/sshd_config")
    read("/etc/ssh/sshd_config", 0)
    return settings, matches, exists


def first(settings: dict[str, list[str]], key: str, default: str = "") -> str:
    words = settings.get(key)
    return words[0] if words else default
