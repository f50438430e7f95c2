"""Real-browser tests: the app runs as `streamlit run` on a free port; Debian's Chromium drives it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from mlps.adapters.store import users
from mlps.adapters.store.db import open_store
from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
ADMIN, PASSWORD = "wang", "lantern-orchard-42"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_db_url(tmp_path_factory) -> str:
    """The database of this module's app server (`app_url`): tests may add users and data to it with the store.
    Each test module gets a server and database of its own, so no journey depends on another's data."""
    return f"sqlite:///{tmp_path_factory.mktemp('e2e-data')}/mlps.db"


@pytest.fixture(scope="module")
def app_url(app_db_url) -> Iterator[str]:
    """Start the workbench with its own empty data folder and wait until it is healthy."""
    port = free_port()
    url = app_db_url
    data = Path(url.removeprefix("sqlite:///")).parent
    env = {**os.environ, "MLPS_DATA_DIR": str(data), "MLPS_DATABASE_URL": url}
    sm = open_store(url)
    users.create_user(sm, ADMIN, PASSWORD, by="test", is_admin=True, display_name="王老师")
    streamlit = shutil.which("streamlit", path=str(Path(sys.executable).parent)) or "streamlit"
    proc = subprocess.Popen(
        [
            streamlit,
            "run",
            str(ROOT / "serve.py"),
            "--server.headless=true",
            "--server.address=127.0.0.1",
            f"--server.port={port}",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    wait_healthy(url, proc, "the app", 60)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def wait_healthy(url: str, proc: subprocess.Popen, what: str, seconds: float) -> None:
    """Wait until `url`/_stcore/health answers ok; fail with the process's output if it stops or times out."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            output = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
            pytest.fail(f"{what} did not start:\n{output[-3000:]}")
        time.sleep(0.3)


def sign_in(page: Page, url: str, username: str = ADMIN, password: str = PASSWORD) -> None:
    """Open `url` and sign in on the sign-in page it shows."""
    page.goto(url)
    page.get_by_role("textbox", name="用户名").fill(username)
    page.get_by_role("textbox", name="密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("已登录：")).to_be_visible(timeout=20_000)
