"""The HTTP side of the workbench, served by `streamlit run serve.py` (Streamlit's ASGI mode, `st.App`).

- `POST /_mlps/session` trades the one-time code that a page received after signing in for the session cookie
  `mlps_session` (random, HttpOnly, SameSite=Strict, Secure behind HTTPS, expiring; the table stores only its
  hash). A reload or a new tab finds the cookie and the live session it names: no secret is ever in the URL.
- `POST /_mlps/signout` clears the cookie (the page revokes the session in the table).
- Files (`/media/…`: attachments and downloads) are served only to a browser holding a live session cookie.
- Browser sessions (the websocket `/_stcore/stream`) opened without a live session cookie are bounded in rate and
  per address (`SessionGate`), so that a flood of anonymous sessions cannot stall the server.
- Security headers on every response; a reverse proxy sets them as well (deploy/nginx).
"""

from __future__ import annotations

import time
from collections import Counter
from functools import lru_cache

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mlps.services import accounts
from mlps.settings import Settings

COOKIE = "mlps_session"
SESSION_PATH = "/_mlps/session"
SIGNOUT_PATH = "/_mlps/signout"
STREAM_PATH = "/_stcore/stream"
HEADERS = [
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


@lru_cache(maxsize=4)
def _store(url: str):
    from mlps.adapters.store.db import open_store

    return open_store(url)


def _settings() -> Settings:
    return Settings.from_env()


def _same_origin(request: Request) -> bool:
    """A request from the workbench's own pages: JSON (a cross-site form cannot send it without a preflight that
    we never allow) and, when the browser says where it comes from, from this host."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    host = request.headers.get("x-forwarded-host") or request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


async def session(request: Request):
    if not _same_origin(request):
        return PlainTextResponse("forbidden", status_code=403)
    try:
        body = await request.json()
        code = str(body.get("code", ""))[:200] if isinstance(body, dict) else ""
    except ValueError:
        code = ""
    s = _settings()
    got = await run_in_threadpool(accounts.exchange_code, _store(s.database_url), code)
    if got is None:
        return JSONResponse({"ok": False}, status_code=400)
    token, max_age = got
    response = JSONResponse({"ok": True})
    response.set_cookie(COOKIE, token, max_age=max_age, path="/", httponly=True, samesite="strict",
                        secure=_secure(request))  # fmt: skip
    return response


async def signout(request: Request):
    if not _same_origin(request):
        return PlainTextResponse("forbidden", status_code=403)
    token = request.cookies.get(COOKIE, "")
    if token:
        await run_in_threadpool(accounts.end_session_by_token, _store(_settings().database_url), token)
    response = JSONResponse({"ok": True})
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict", secure=_secure(request))
    return response


class SessionGate:
    """Admits browser sessions opened without a live session cookie: a token bucket (`rate` a second, bursts of
    twice as many) for the whole server and at most `per_address` open at once from one address. Used on the
    server's event loop only, so it needs no lock."""

    def __init__(self, rate: float, per_address: int):
        self.rate, self.burst, self.per_address = rate, max(1.0, 2 * rate), per_address
        self.tokens, self.stamp = self.burst, time.monotonic()
        self.open: Counter[str] = Counter()

    def admit(self, address: str) -> bool:
        at = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (at - self.stamp) * self.rate)
        self.stamp = at
        if self.tokens < 1 or self.open[address] >= self.per_address:
            return False
        self.tokens -= 1
        self.open[address] += 1
        return True

    def release(self, address: str) -> None:
        self.open[address] -= 1
        if self.open[address] <= 0:
            del self.open[address]


def _address(connection: HTTPConnection, trusted_proxy: bool) -> str:
    if trusted_proxy:
        forwarded = connection.headers.get("x-real-ip") or connection.headers.get("x-forwarded-for") or ""
        if forwarded:
            return forwarded.split(",")[0].strip()[:150]
    return connection.client.host if connection.client else ""


class Guard:
    """ASGI middleware: security headers on every HTTP response; files only with a live session cookie; new
    browser sessions without one bounded (SessionGate)."""

    def __init__(self, app: ASGIApp):
        self.app = app
        s = _settings()
        self.sessions = SessionGate(s.new_sessions_per_second, s.anonymous_sessions_per_address)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket" and scope["path"].endswith(STREAM_PATH):
            await self._stream(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith("/media/"):
            request = Request(scope)
            s = _settings()
            live = await run_in_threadpool(accounts.token_is_live, _store(s.database_url),
                                           request.cookies.get(COOKIE, ""), s.session_idle_minutes)  # fmt: skip
            if not live:
                response = PlainTextResponse("sign in to download this file", status_code=403)
                await response(scope, receive, self._with_headers(send))
                return
        await self.app(scope, receive, self._with_headers(send))

    async def _stream(self, scope: Scope, receive: Receive, send: Send) -> None:
        connection = HTTPConnection(scope)
        s = _settings()
        token = connection.cookies.get(COOKIE, "")
        if token and await run_in_threadpool(accounts.token_is_live, _store(s.database_url), token,
                                             s.session_idle_minutes):  # fmt: skip
            await self.app(scope, receive, send)
            return
        address = _address(connection, s.trusted_proxy)
        if not self.sessions.admit(address):
            await receive()  # the handshake; refused: the browser retries a moment later
            await send({"type": "websocket.close", "code": 1013})
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.sessions.release(address)

    @staticmethod
    def _with_headers(send: Send) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [h for h in HEADERS if h[0] not in present]
            await send(message)

        return wrapped


def routes() -> list[Route]:
    return [Route(SESSION_PATH, session, methods=["POST"]), Route(SIGNOUT_PATH, signout, methods=["POST"])]


def middleware() -> list[Middleware]:
    return [Middleware(Guard)]
