"""Reading a machine's files under a root directory, read-only, and (only for the live root) a few commands."""

from __future__ import annotations

import fnmatch
import glob
import os
import subprocess

MAX_BYTES = 4 * 1024 * 1024  # a settings file or the tail of a log; more is never read


class Root:
    """The file tree to read: `/` for the machine itself, another directory for a copy (tests, images).

    Absolute symbolic links inside a copied tree are followed inside the tree, never out to the host."""

    def __init__(self, root: str = "/"):
        self.root = os.path.abspath(root)
        self.live = self.root == "/"
        self.read_paths: list[str] = []  # every file read, for the bundle
        self.unreadable: list[str] = []  # present but not readable (e.g. /etc/shadow without root rights)

    # -- paths
    def path(self, rel: str) -> str:
        """The real path of `rel` (an absolute path on the assessed machine), symlinks kept inside the root."""
        p = os.path.join(self.root, rel.lstrip("/"))
        if self.live:
            return p
        for _ in range(20):
            if not os.path.islink(p):
                return p
            target = os.readlink(p)
            if os.path.isabs(target):
                p = os.path.join(self.root, target.lstrip("/"))
            else:
                p = os.path.normpath(os.path.join(os.path.dirname(p), target))
                if not (p + os.sep).startswith(self.root.rstrip(os.sep) + os.sep):
                    return os.path.join(self.root, "nonexistent-outside-root")
        return p

    def exists(self, rel: str) -> bool:
        return os.path.lexists(os.path.join(self.root, rel.lstrip("/"))) or os.path.exists(self.path(rel))

    def isdir(self, rel: str) -> bool:
        return os.path.isdir(self.path(rel))

    def glob(self, pattern: str) -> list[str]:
        """Paths on the assessed machine (absolute, without the root) matching `pattern`, sorted."""
        base = self.root.rstrip(os.sep)
        found = glob.glob(os.path.join(self.root, pattern.lstrip("/")))
        return sorted("/" + os.path.relpath(f, base).replace(os.sep, "/") if base else f for f in found)

    def listdir(self, rel: str) -> list[str]:
        try:
            return sorted(os.listdir(self.path(rel)))
        except OSError:
            return []

    # -- contents
    def read_bytes(self, rel: str, tail: bool = False) -> bytes | None:
        p = self.path(rel)
        if not os.path.isfile(p):
            return None
        try:
            with open(p, "rb") as f:  # read-only, always
                if tail:
                    size = os.fstat(f.fileno()).st_size
                    if size > MAX_BYTES:
                        f.seek(size - MAX_BYTES)
                data = f.read(MAX_BYTES)
        except OSError:
            self.unreadable.append(rel)
            return None
        self.read_paths.append(rel)
        return data

    def read(self, rel: str, tail: bool = False) -> str | None:
        data = self.read_bytes(rel, tail)
        return None if data is None else data.decode("utf-8", "replace")

    def lines(self, rel: str) -> list[str]:
        """The file's lines without comments (from #) and blank lines; [] when absent."""
        text = self.read(rel)
        if text is None:
            return []
        out = []
        for line in text.splitlines():
            stripped = line.split("#", 1)[0].strip()
            if stripped:
                out.append(stripped)
        return out

    def mtime(self, rel: str) -> float | None:
        try:
            return os.stat(self.path(rel)).st_mtime
        except OSError:
            return None

    # -- commands (live machine only; never under another root)
    def command(self, args: list[str]) -> str | None:
        if not self.live:
            return None
        try:
            done = subprocess.run(
                args,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                timeout=15,
                env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL": "C"},
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.decode("utf-8", "replace").strip()

    # -- services
    UNIT_DIRS = ("/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system", "/run/systemd/system")

    def unit_installed(self, unit: str) -> bool:
        return any(self.exists(d + "/" + unit) for d in self.UNIT_DIRS)

    def unit_enabled(self, unit: str) -> bool | None:
        """Enabled at boot: `systemctl is-enabled` on the live machine; in a tree, a link in a *.wants folder."""
        if self.live:
            out = self.command(["systemctl", "is-enabled", unit])
            if out is not None and out:
                return out.splitlines()[0].strip() in ("enabled", "enabled-runtime", "static", "alias")
        for d in ("/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"):
            for wants in self.glob(d + "/*.wants") + self.glob(d + "/*.requires"):
                if self.exists(wants + "/" + unit):
                    return True
        name = unit.rsplit(".", 1)[0]
        if self.glob("/etc/rc[2345].d/S??" + name):
            return True
        return False if self.isdir("/etc/systemd/system") or self.isdir("/etc/rc3.d") else None

    def unit_active(self, unit: str) -> bool | None:
        """Running now: `systemctl is-active` on the live machine; unknown in a copied tree."""
        if not self.live:
            return None
        out = self.command(["systemctl", "is-active", unit])
        if out is None or not out:
            return None
        return out.splitlines()[0].strip() in ("active", "reloading", "activating")

    def service(self, units: list[str], binaries: list[str] = ()) -> dict:
        """Installed / enabled / active of the first of `units` that is installed (None = could not tell)."""
        for unit in units:
            if self.unit_installed(unit) or any(self.exists(b) for b in binaries):
                return {
                    "unit": unit,
                    "installed": True,
                    "enabled": self.unit_enabled(unit),
                    "active": self.unit_active(unit),
                }
        return {"unit": units[0] if units else "", "installed": False, "enabled": False, "active": False}


def match_any(path: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatchcase(path, p) for p in patterns)
