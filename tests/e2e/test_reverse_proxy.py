"""The documented reverse proxy (deploy/nginx) in front of the app: every response carries the security headers
exactly once, the app works through it in a real browser (websocket, sign-in), and the policy blocks images from
other servers."""

from __future__ import annotations

import os
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import ROOT
from tests.e2e.conftest import free_port, sign_in, wait_healthy
from tests.e2e.flood import flood

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = ROOT / "deploy" / "nginx" / "mlps-site.conf"
LIMITS = ROOT / "deploy" / "nginx" / "mlps-limits.conf"


@pytest.fixture(scope="module")
def proxy_url(app_url, tmp_path_factory):
    if not Path(NGINX).exists():
        message = "nginx is missing: run `make test`, which installs Debian's nginx"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    work = tmp_path_factory.mktemp("nginx")
    port = free_port()
    app_port = app_url.rsplit(":", 1)[1]
    site = SITE.read_text(encoding="utf-8").replace("127.0.0.1:8501", f"127.0.0.1:{app_port}")
    (work / "site.conf").write_text(site, encoding="utf-8")
    temp = work / "tmp"
    temp.mkdir()
    (work / "nginx.conf").write_text(f"""
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {LIMITS};
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    server {{
        listen 127.0.0.1:{port};
        include {work}/site.conf;
    }}
}}
""", encoding="utf-8")
    proc = subprocess.Popen([NGINX, "-p", str(work), "-c", str(work / "nginx.conf")], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, proc, "nginx", 20)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.parametrize("path", ["/", "/_stcore/health", "/media/00.bin"])
def test_every_response_carries_each_security_header_once(proxy_url, path):
    request = urllib.request.Request(f"{proxy_url}{path}")
    try:
        response = urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as exc:  # /media without a session: 403, headers all the same
        response = exc
    headers = response.headers
    assert headers.get_all("X-Frame-Options") == ["SAMEORIGIN"]
    assert headers.get_all("X-Content-Type-Options") == ["nosniff"]
    assert headers.get_all("Referrer-Policy") == ["no-referrer"]
    csp = headers.get_all("Content-Security-Policy")
    assert len(csp) == 1 and "frame-ancestors 'self'" in csp[0] and "img-src 'self' data: blob:" in csp[0]


def test_the_app_works_through_the_proxy_and_foreign_images_are_blocked(page: Page, proxy_url):
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, proxy_url)
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    page.evaluate("() => { const i = new Image(); i.src = 'http://127.0.0.1:9/pixel.png'; document.body.append(i); }")
    page.wait_for_timeout(500)
    assert any("img-src" in m for m in blocked)


def test_the_proxy_refuses_a_flood_of_anonymous_sessions_itself(proxy_url):
    got = flood(proxy_url, 30)
    assert got["admitted"] <= 8, got  # nginx: 2 a second with a burst of 4 per address (mlps-limits.conf)
    assert got["refused_with"].get(429, 0) >= 20, got  # refused by nginx (429), not only by the app (403)
    assert max(got["health_waits"]) < 10, got
