"""Checks of identification, authentication and accounts: password policy, login failures, accounts, sudo, sshd."""

from __future__ import annotations

import re

from .findings import CONFORM, NONCONFORM, PARTIAL, UNKNOWN, finding, threshold
from .fsread import Root
from .parsing import first, key_values, pam_args, pam_lines, sshd_settings, to_int

PAM_STACKS = ["system-auth", "password-auth", "common-auth", "common-password", "common-account", "sshd", "login"]
NO_LOGIN_SHELLS = ("nologin", "false", "sync", "shutdown", "halt")


def login_shell(shell: str) -> bool:
    return bool(shell) and not shell.rstrip("/").endswith(NO_LOGIN_SHELLS)


def accounts(root: Root) -> list[dict]:
    """Accounts from /etc/passwd with, from /etc/shadow, whether a password is set (never the hash itself)."""
    out = []
    for line in root.lines("/etc/passwd"):
        parts = line.split(":")
        if len(parts) < 7:
            continue
        out.append(
            {
                "name": parts[0],
                "uid": to_int(parts[2], -1),
                "shell": parts[6],
                "passwd_field_empty": parts[1] == "",
                "password": None,
                "max_days": None,
            }
        )
    shadow = {}
    text = root.read("/etc/shadow")
    for line in (text or "").splitlines():
        parts = line.split(":")
        if len(parts) >= 5:
            shadow[parts[0]] = parts
    for a in out:
        s = shadow.get(a["name"])
        if a["passwd_field_empty"]:
            a["password"] = "empty"
        elif s is not None:
            field = s[1]
            a["password"] = "empty" if field == "" else ("locked" if field[:1] in ("!", "*") else "set")
            a["max_days"] = to_int(s[4])
    return out


def shadow_readable(root: Root) -> bool:
    return root.read("/etc/shadow") is not None


# ------------------------------------------------------------------------------------------------ password policy


def password_policy(root: Root, t: dict) -> dict:
    defs_present = root.exists("/etc/login.defs")
    defs = key_values(root.lines("/etc/login.defs"), " ")
    max_days = to_int(defs.get("pass_max_days"))
    stack = pam_lines(root, PAM_STACKS)
    modules = [p for p in stack if p[1] == "password" and p[3] in ("pam_pwquality.so", "pam_cracklib.so")]
    conf_lines = root.lines("/etc/security/pwquality.conf")
    for extra in root.glob("/etc/security/pwquality.conf.d/*.conf"):
        conf_lines += root.lines(extra)
    settings = key_values(conf_lines)
    if modules:
        settings.update(pam_args(modules[0][4]))  # arguments on the module line win over the file
    unix = [p for p in stack if p[1] == "password" and p[3] == "pam_unix.so"]
    minlen = to_int(settings.get("minlen"), 8 if modules else None)
    if not modules and unix:
        minlen = to_int(pam_args(unix[0][4]).get("minlen"), 6)  # pam_unix checks length only
    credits = [k for k in ("dcredit", "ucredit", "lcredit", "ocredit") if (to_int(settings.get(k), 0) or 0) < 0]
    classes = max(to_int(settings.get("minclass"), 0) or 0, len(credits)) if modules else 0
    min_len, min_classes, max_age = (
        threshold(t, "password_min_length"),
        threshold(t, "password_min_classes"),
        threshold(t, "password_max_days"),
    )
    if modules and (minlen or 0) >= min_len and classes >= min_classes:
        complexity = "ok"
    elif modules or (minlen or 0) >= min_len:
        complexity = "weak"
    else:
        complexity = "none"
    people = [a for a in accounts(root) if login_shell(a["shell"]) and a["password"] == "set"]
    no_expiry = sorted(a["name"] for a in people if a["max_days"] is None or a["max_days"] > max_age)
    if max_days is not None and max_days <= max_age:
        ageing = "ok" if not no_expiry or not shadow_readable(root) else "weak"
    else:
        ageing = "weak" if people and not no_expiry else "none"
    observed = {
        "complexity_module": modules[0][3] if modules else None,
        "minlen": minlen,
        "classes_required": classes,
        "pass_max_days": max_days,
        "pass_min_len": to_int(defs.get("pass_min_len")),
        "accounts_without_max_age": no_expiry,
        "complexity": complexity,
        "ageing": ageing,
    }
    if not defs_present and not stack:
        return finding(
            "password_policy",
            UNKNOWN,
            observed,
            "未找到 /etc/login.defs 和 PAM 配置，无法判断口令策略。",
            "Neither /etc/login.defs nor a PAM configuration was found: the password policy is unknown.",
        )
    verdict = CONFORM if complexity == ageing == "ok" else NONCONFORM if complexity == ageing == "none" else PARTIAL
    zh = (
        f"口令复杂度：{'已' if modules else '未'}启用 {modules[0][3] if modules else 'pam_pwquality/pam_cracklib'}，"
        f"最短 {minlen if minlen is not None else '未设'} 位，要求 {classes} 类字符"
        f"（要求至少 {min_len} 位、{min_classes} 类）；"
        f"口令最长使用期 PASS_MAX_DAYS={max_days if max_days is not None else '未设'}（要求不超过 {max_age} 天）"
    )
    en = (
        f"Password complexity: {modules[0][3] + ' active' if modules else 'no pam_pwquality/pam_cracklib'}, "
        f"minimum length {minlen if minlen is not None else 'not set'}, {classes} character classes required "
        f"(expected at least {min_len} characters and {min_classes} classes); password ageing "
        f"PASS_MAX_DAYS={max_days if max_days is not None else 'not set'} (expected at most {max_age} days)"
    )
    if no_expiry and max_days is not None and max_days <= max_age:
        zh += f"；但已有账户 {', '.join(no_expiry)} 的口令没有到期限制"
        en += f"; but existing accounts {', '.join(no_expiry)} have no password expiry"
    return finding("password_policy", verdict, observed, zh + "。", en + ".")


# ------------------------------------------------------------------------------------------------ login failures


def login_failure(root: Root, t: dict) -> dict:
    stack = pam_lines(root, PAM_STACKS)
    limit = threshold(t, "login_failure_max_attempts")
    faillock = [p for p in stack if p[1] == "auth" and p[3] == "pam_faillock.so"]
    tally = [p for p in stack if p[1] in ("auth", "account") and p[3] in ("pam_tally2.so", "pam_tally.so")]
    conf = key_values(root.lines("/etc/security/faillock.conf"))
    module, deny, unlock = None, None, None
    if faillock:
        module = "pam_faillock.so"
        args = dict(conf)
        for p in faillock:
            args.update(pam_args(p[4]))
        deny, unlock = to_int(args.get("deny"), 3), args.get("unlock_time", "600")
    elif tally:
        module = tally[0][3]
        args = {}
        for p in tally:
            args.update(pam_args(p[4]))
        deny, unlock = to_int(args.get("deny"), 0), args.get("unlock_time")
    observed = {"module": module, "deny": deny, "unlock_time": unlock}
    if not stack and not root.isdir("/etc/pam.d"):
        return finding(
            "login_failure",
            UNKNOWN,
            observed,
            "未找到 PAM 配置，无法判断登录失败处理。",
            "No PAM configuration found: login-failure handling is unknown.",
        )
    if module is None:
        return finding(
            "login_failure",
            NONCONFORM,
            observed,
            "PAM 中没有 pam_faillock 或 pam_tally2：连续输错口令不会锁定账户。",
            "Neither pam_faillock nor pam_tally2 is in the PAM stack: repeated wrong passwords never lock the account.",
        )
    if deny and 0 < deny <= limit:
        return finding(
            "login_failure",
            CONFORM,
            observed,
            f"{module} 在连续 {deny} 次失败后锁定账户（解锁时间 {unlock}）。",
            f"{module} locks the account after {deny} failed attempts (unlock time {unlock}).",
        )
    return finding(
        "login_failure",
        PARTIAL,
        observed,
        f"已配置 {module}，但失败次数上限为 {deny or '未设'}（要求 1–{limit} 次）。",
        f"{module} is configured but its limit is {deny or 'not set'} attempts (expected 1-{limit}).",
    )


# ------------------------------------------------------------------------------------------------ accounts


def accounts_uid0(root: Root, t: dict) -> dict:
    accs = accounts(root)
    extra = sorted(a["name"] for a in accs if a["uid"] == 0 and a["name"] != "root")
    observed = {"uid0_accounts": sorted(a["name"] for a in accs if a["uid"] == 0)}
    if not accs:
        return finding("accounts_uid0", UNKNOWN, observed, "未能读取 /etc/passwd。", "/etc/passwd could not be read.")
    if extra:
        return finding(
            "accounts_uid0",
            NONCONFORM,
            observed,
            f"除 root 外还有 UID 为 0 的账户：{', '.join(extra)}（等同超级用户，身份不唯一）。",
            f"Besides root, these accounts have UID 0: {', '.join(extra)} (root-equivalent; identities "
            "are not unique).",
        )
    return finding("accounts_uid0", CONFORM, observed, "只有 root 的 UID 为 0。", "Only root has UID 0.")


def accounts_no_password(root: Root, t: dict) -> dict:
    accs = accounts(root)
    empty = sorted(a["name"] for a in accs if a["password"] == "empty")
    observed = {"accounts_without_password": empty, "shadow_readable": shadow_readable(root)}
    if not accs:
        return finding(
            "accounts_no_password", UNKNOWN, observed, "未能读取 /etc/passwd。", "/etc/passwd could not be read."
        )
    if empty:
        return finding(
            "accounts_no_password",
            NONCONFORM,
            observed,
            f"以下账户没有口令：{', '.join(empty)}。",
            f"These accounts have no password: {', '.join(empty)}.",
        )
    if not observed["shadow_readable"]:
        return finding(
            "accounts_no_password",
            UNKNOWN,
            observed,
            "无法读取 /etc/shadow（请以 root 运行），不能判断是否有空口令账户。",
            "/etc/shadow is not readable (run as root): accounts without a password cannot be ruled out.",
        )
    return finding(
        "accounts_no_password",
        CONFORM,
        observed,
        "所有账户都设置了口令或已锁定。",
        "Every account has a password set or is locked.",
    )


def accounts_default_shell(root: Root, t: dict) -> dict:
    names = set(t.get("default_account_names", ()))
    accs = accounts(root)
    hits = sorted(
        a["name"] for a in accs if a["name"] in names and login_shell(a["shell"]) and a["password"] != "locked"
    )
    observed = {"default_or_shared_accounts_with_shell": hits}
    if not accs:
        return finding(
            "accounts_default_shell", UNKNOWN, observed, "未能读取 /etc/passwd。", "/etc/passwd could not be read."
        )
    if hits:
        return finding(
            "accounts_default_shell",
            NONCONFORM,
            observed,
            f"默认或共用账户可登录（有登录 shell 且未锁定）：{', '.join(hits)}。",
            f"Default or shared accounts can log in (login shell, not locked): {', '.join(hits)}.",
        )
    return finding(
        "accounts_default_shell",
        CONFORM,
        observed,
        "没有可登录的默认或共用账户。",
        "No default or shared account can log in.",
    )


def _sudoers_files(root: Root) -> list[str]:
    files, todo = [], ["/etc/sudoers"]
    while todo and len(files) < 50:
        path = todo.pop(0)
        text = root.read(path)
        if text is None:
            continue
        files.append(path)
        for line in text.splitlines():
            m = re.match(r"\s*[#@]include(dir)?\s+(\S+)", line)
            if not m:
                continue
            target = m.group(2)
            if m.group(1):
                todo += [
                    f
                    for f in root.glob(target.rstrip("/") + "/*")
                    if "." not in f.rsplit("/", 1)[-1] and not f.endswith("~")
                ]
            else:
                todo.append(target)
    return files


def sudoers_nopasswd(root: Root, t: dict) -> dict:
    present = root.exists("/etc/sudoers")
    files = _sudoers_files(root)
    hits = []
    for path in files:
        text = (root.read(path) or "").replace("\\\n", " ")
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith(("#", "Defaults", "@")) or "=" not in line:
                continue
            if re.match(r"(User|Runas|Host|Cmnd|Cmd)_Alias\b", line):
                continue
            who, rhs = line.split(None, 1)[0], line.split("=", 1)[1]
            if re.search(r"NOPASSWD\s*:\s*(\([^)]*\)\s*)?ALL\s*(,|$)", rhs):
                hits.append(who)
    observed = {"nopasswd_all": sorted(set(hits)), "files": files}
    if not present and not root.exists("/etc/passwd"):
        return finding(
            "sudoers_nopasswd_all",
            UNKNOWN,
            observed,
            "没有 /etc/sudoers 和 /etc/passwd，无法判断。",
            "Neither /etc/sudoers nor /etc/passwd found: cannot tell.",
        )
    if present and not files:
        return finding(
            "sudoers_nopasswd_all",
            UNKNOWN,
            observed,
            "无法读取 /etc/sudoers（请以 root 运行）。",
            "/etc/sudoers is not readable (run as root).",
        )
    if hits:
        return finding(
            "sudoers_nopasswd_all",
            NONCONFORM,
            observed,
            f"sudo 规则允许不输口令执行任何命令（NOPASSWD: ALL）：{', '.join(sorted(set(hits)))}。",
            f"sudo lets these run any command without a password (NOPASSWD: ALL): {', '.join(sorted(set(hits)))}.",
        )
    return finding(
        "sudoers_nopasswd_all",
        CONFORM,
        observed,
        "没有 NOPASSWD: ALL 的 sudo 规则。" if present else "未安装 sudo（没有 /etc/sudoers）。",
        "No sudo rule grants NOPASSWD: ALL." if present else "sudo is not installed (no /etc/sudoers).",
    )


# ------------------------------------------------------------------------------------------------ sshd


def _no_sshd(check: str, observed: dict) -> dict:
    return finding(
        check,
        UNKNOWN,
        observed,
        "没有 /etc/ssh/sshd_config：未安装 OpenSSH 服务端或配置在别处。",
        "No /etc/ssh/sshd_config: the OpenSSH server is not installed or configured elsewhere.",
    )


def ssh_root_login(root: Root, t: dict) -> dict:
    s, matches, exists = sshd_settings(root)
    value = first(s, "permitrootlogin", "prohibit-password").lower()
    observed = {"PermitRootLogin": value, "explicit": "permitrootlogin" in s, "match_blocks": len(matches)}
    if not exists:
        return _no_sshd("ssh_root_login", observed)
    note_zh = "" if "permitrootlogin" in s else "（未设置，按 OpenSSH 7.0 以后的默认值）"
    note_en = "" if "permitrootlogin" in s else " (not set: the default of OpenSSH 7.0 and later)"
    if value == "yes":
        return finding(
            "ssh_root_login",
            NONCONFORM,
            observed,
            "sshd 允许 root 用口令远程登录（PermitRootLogin yes）。",
            "sshd lets root log in remotely with a password (PermitRootLogin yes).",
        )
    if value == "no":
        return finding(
            "ssh_root_login",
            CONFORM,
            observed,
            "sshd 禁止 root 远程登录（PermitRootLogin no）。",
            "sshd refuses remote root logins (PermitRootLogin no).",
        )
    return finding(
        "ssh_root_login",
        PARTIAL,
        observed,
        f"sshd 允许 root 用密钥远程登录（PermitRootLogin {value}）{note_zh}。",
        f"sshd lets root log in remotely with a key (PermitRootLogin {value}){note_en}.",
    )


OTP_MODULES = (
    "pam_google_authenticator.so",
    "pam_oath.so",
    "pam_radius_auth.so",
    "pam_duo.so",
    "pam_yubico.so",
    "pam_u2f.so",
    "pam_sss.so",
)


def ssh_authentication(root: Root, t: dict) -> dict:
    s, _, exists = sshd_settings(root)
    methods = " ".join(s.get("authenticationmethods", []))
    password = first(s, "passwordauthentication", "yes").lower() == "yes"
    pubkey = first(s, "pubkeyauthentication", "yes").lower() == "yes"
    kbd = first(s, "kbdinteractiveauthentication", first(s, "challengeresponseauthentication", "yes")).lower() == "yes"
    otp = [p[3] for p in pam_lines(root, ["sshd"]) if p[1] == "auth" and p[3] in OTP_MODULES]
    two = bool(methods) and methods != "any" and all("," in alt for alt in methods.split())
    observed = {
        "AuthenticationMethods": methods or None,
        "PasswordAuthentication": password,
        "PubkeyAuthentication": pubkey,
        "KbdInteractiveAuthentication": kbd,
        "pam_second_factor": otp,
    }
    if not exists:
        return _no_sshd("ssh_authentication", observed)
    if two or (otp and kbd and first(s, "usepam", "no").lower() == "yes"):
        return finding(
            "ssh_authentication",
            CONFORM,
            observed,
            "sshd 要求两种鉴别方式组合登录。",
            "sshd requires two authentication methods together.",
        )
    if not password and pubkey:
        return finding(
            "ssh_authentication",
            PARTIAL,
            observed,
            "sshd 只接受密钥登录（一种较强的鉴别方式），没有要求第二种鉴别方式。",
            "sshd accepts keys only (one strong method) and asks for no second method.",
        )
    return finding(
        "ssh_authentication",
        NONCONFORM,
        observed,
        "sshd 接受仅凭口令登录，没有双因素鉴别。",
        "sshd accepts a password alone: no two-factor authentication.",
    )


def ssh_idle_timeout(root: Root, t: dict) -> dict:
    s, _, exists = sshd_settings(root)
    limit = threshold(t, "idle_timeout_max_seconds")
    tmout = None
    for path in ["/etc/profile", "/etc/bashrc", "/etc/bash.bashrc", *root.glob("/etc/profile.d/*.sh")]:
        for line in root.lines(path):
            m = re.match(r"(?:(?:export|readonly|declare\s+-\w+|typeset\s+-\w+)\s+)*TMOUT=(\d+)", line)
            if m:
                tmout = int(m.group(1))
    interval = to_int(first(s, "clientaliveinterval", "0"), 0)
    count = to_int(first(s, "clientalivecountmax", "3"), 3)
    observed = {"TMOUT": tmout, "ClientAliveInterval": interval, "ClientAliveCountMax": count}
    if not exists and not root.exists("/etc/profile"):
        return finding(
            "ssh_idle_timeout",
            UNKNOWN,
            observed,
            "没有 sshd_config 和 /etc/profile，无法判断超时退出。",
            "Neither sshd_config nor /etc/profile found: the idle timeout is unknown.",
        )
    if tmout and tmout <= limit:
        return finding(
            "ssh_idle_timeout",
            CONFORM,
            observed,
            f"登录会话空闲 {tmout} 秒后自动退出（TMOUT）。",
            f"Login shells end after {tmout} idle seconds (TMOUT).",
        )
    if tmout or interval:
        return finding(
            "ssh_idle_timeout",
            PARTIAL,
            observed,
            f"只有部分超时设置（TMOUT={tmout}，ClientAliveInterval={interval}）：ClientAlive 只断开失去响应"
            f"的连接，不退出空闲会话；TMOUT 应不超过 {limit} 秒。",
            f"Only a partial timeout (TMOUT={tmout}, ClientAliveInterval={interval}): ClientAlive drops "
            f"dead connections, not idle sessions; TMOUT should be at most {limit} seconds.",
        )
    return finding(
        "ssh_idle_timeout",
        NONCONFORM,
        observed,
        "没有设置空闲会话超时（TMOUT 或 ClientAliveInterval）。",
        "No idle-session timeout is set (neither TMOUT nor ClientAliveInterval).",
    )


def ssh_access_restriction(root: Root, t: dict) -> dict:
    s, matches, exists = sshd_settings(root)
    listen = [a for a in s.get("listenaddress", []) if a.split(":")[0] not in ("0.0.0.0", "::", "[::]", "*")]
    allow = s.get("allowusers", []) + s.get("allowgroups", [])
    from_hosts = [a for a in allow if "@" in a]
    address_matches = [m for m in matches if m.lower().startswith("address")]
    allow_lines = [ln for ln in root.lines("/etc/hosts.allow") if re.match(r"(sshd|ALL)\s*:", ln, re.I)]
    deny_all = any(re.match(r"(sshd|ALL)\s*:\s*ALL", ln, re.I) for ln in root.lines("/etc/hosts.deny"))
    wrappers = bool(allow_lines and deny_all)
    observed = {
        "ListenAddress": s.get("listenaddress", []),
        "AllowUsers/AllowGroups": allow,
        "match_address_blocks": address_matches,
        "tcp_wrappers": wrappers,
    }
    if not exists:
        return _no_sshd("ssh_access_restriction", observed)
    if from_hosts or address_matches or wrappers:
        return finding(
            "ssh_access_restriction",
            CONFORM,
            observed,
            "远程管理只允许指定地址的终端登录。",
            "Remote administration is limited to terminals at given addresses.",
        )
    if listen or allow:
        return finding(
            "ssh_access_restriction",
            PARTIAL,
            observed,
            "sshd 限制了监听地址或可登录的用户，但没有限制管理终端的来源地址。",
            "sshd limits its listening address or its users, but not the source address of management terminals.",
        )
    return finding(
        "ssh_access_restriction",
        NONCONFORM,
        observed,
        "sshd 对任何地址的任何用户开放，没有限制管理终端（AllowUsers/Match Address/TCP wrappers）。",
        "sshd is open to any user from any address: no limit on management terminals (AllowUsers, "
        "Match Address, TCP wrappers).",
    )
