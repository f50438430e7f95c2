"""Open many browser sessions at once as the front end does (the websocket, then a request to run the app) and
time the health check meanwhile: used by test_session_flood.py and test_reverse_proxy.py."""

from __future__ import annotations

import asyncio
import time
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg


def health(url: str) -> float:
    began = time.perf_counter()
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=60) as r:
        assert r.read() == b"ok"
    return time.perf_counter() - began


async def _open(ws_url: str, cookie: str | None = None, refusals: Counter | None = None):
    try:
        ws = await websockets.connect(ws_url, subprotocols=["streamlit", "PLACEHOLDER_AUTH_TOKEN"], open_timeout=60,
                                      additional_headers={"Cookie": cookie} if cookie else None)  # fmt: skip
    except websockets.InvalidStatus as exc:
        if refusals is not None:
            refusals[exc.response.status_code] += 1
        return None
    except (websockets.InvalidHandshake, OSError):
        return None
    message = BackMsg()
    message.rerun_script.query_string = ""
    await ws.send(message.SerializeToString())
    return ws


async def _flood(url: str, count: int, cookie: str | None) -> dict:
    ws_url = url.replace("http://", "ws://") + "/_stcore/stream"
    loop = asyncio.get_running_loop()
    refusals: Counter = Counter()
    sockets = await asyncio.gather(*(_open(ws_url, None, refusals) for _ in range(count)))
    signed_in = await _open(ws_url, f"mlps_session={cookie}") if cookie else None  # the allowance is spent now
    waits = []
    for _ in range(5):
        waits.append(await loop.run_in_executor(None, health, url))
        await asyncio.sleep(0.5)
    for s in [*sockets, signed_in]:
        if s is not None:
            await s.close()
    return {"admitted": sum(s is not None for s in sockets), "signed_in_admitted": signed_in is not None,
            "health_waits": waits, "refused_with": dict(refusals)}  # fmt: skip


def flood(url: str, count: int, cookie: str | None = None) -> dict:
    """Open `count` anonymous sessions at once (and then one with the session `cookie`, if given); returns how
    many were admitted, the HTTP statuses the others were refused with, whether the signed-in one was admitted,
    and five health-check times taken meanwhile."""
    with ThreadPoolExecutor(1) as pool:  # Playwright's event loop may be running in the calling thread
        return pool.submit(asyncio.run, _flood(url, count, cookie)).result()
