"""A small aiohttp app served on a free loopback port from an event loop in a daemon thread.

For tests that play one side of the gateway's HTTP (scripted answers, byte
ranges, cut connections) to a blocking client in the test's own thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

from aiohttp import web


class AppThread:
    """Serves the app that ``routes`` fills in; ``port`` once started; :meth:`close` stops it."""

    def __init__(self, routes: Callable[[web.Application], None]):
        self.loop = asyncio.new_event_loop()
        self.port: int | None = None
        ready = threading.Event()
        self.thread = threading.Thread(target=self._serve, args=(routes, ready), daemon=True)
        self.thread.start()
        if not ready.wait(10):
            raise RuntimeError("the test's aiohttp app did not start in 10 s")

    def _serve(self, routes: Callable[[web.Application], None], ready: threading.Event) -> None:
        asyncio.set_event_loop(self.loop)
        app = web.Application()
        routes(app)
        self.runner = web.AppRunner(app)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        ready.set()
        self.loop.run_forever()

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
