"""An asyncio TCP relay that stands for one WAN link (this kernel has no netem; see docs/wan.md).

A :class:`Relay` listens on its own loopback address (e.g. 127.0.0.10 for
prover 0) and forwards each connection to a target, shaping both directions
by a :class:`~bench.wan.link.LinkSpec`:

- each chunk read is released after the one-way delay plus its jitter, and
  never before the chunk read ahead of it (bytes keep their order);
- a new connection's first bytes towards the target leave no earlier than
  three one-way delays after it was accepted: the relay accepts at once, so
  the RTT of the SYN/SYN-ACK a real link charges before the client can send
  is added here (RFC 9293, section 3.5);
- a token bucket per direction of the link (shared by all its connections)
  caps the rate: by any time t after the relay started, at most
  ``burst + rate * t`` bytes have crossed in that direction; it is spent in
  quarters of the burst so that a late wake-up of the event loop is not lost
  to a full bucket (with whole-burst pieces 100 Mbit/s came out at 52);
- a connection picked for a drop is aborted (both sockets reset) once it has
  carried its byte budget.

It is bounded: after ``lifetime_s`` or ``max_bytes`` forwarded it closes its
listener and every connection. :class:`RelayThread` runs relays on an event
loop of their own so that synchronous code (the bench) can use them.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from dataclasses import asdict, dataclass

from .link import LinkSpec

CHUNK = 64 * 1024
QUEUE_CHUNKS = 256
"""Chunks held per direction: 16 MiB at most, more than a 300 ms RTT at 100 Mbit/s keeps in flight."""


@dataclass
class Counters:
    """What a relay has carried: bytes each way, connections accepted, open and cut."""

    bytes_up: int = 0
    bytes_down: int = 0
    connections: int = 0
    open: int = 0
    drops: int = 0
    refused: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


class TokenBucket:
    """Bytes may leave at ``rate`` per second with at most ``burst`` at once (RFC 2697's single bucket)."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = float(burst)
        self.stamp = time.monotonic()

    async def take(self, n: int) -> None:
        """Wait until ``n`` (<= burst) bytes' worth of tokens are there, and spend them."""
        while True:
            now = time.monotonic()
            self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= n:
                self.tokens -= n
                return
            await asyncio.sleep((n - self.tokens) / self.rate)


class Relay:
    """One link: listen on ``listen_host:listen_port`` (0 picks a port), forward to ``target``."""

    def __init__(self, spec: LinkSpec, target: tuple[str, int], listen_host: str = "127.0.0.1",
                 listen_port: int = 0, seed: int = 0, lifetime_s: float = 600.0, max_bytes: int = 1 << 31,
                 burst_bytes: int = 64 * 1024) -> None:
        if lifetime_s <= 0 or max_bytes <= 0 or burst_bytes <= 0:
            raise ValueError("lifetime_s, max_bytes and burst_bytes must be > 0")
        self.spec, self.target = spec, target
        self.listen_host, self.listen_port = listen_host, listen_port
        self.lifetime_s, self.max_bytes, self.burst_bytes = lifetime_s, max_bytes, burst_bytes
        self.counters = Counters()
        self.closed_reason = ""
        self._drops = random.Random(f"{seed}-drops")
        self._jitter = random.Random(f"{seed}-jitter")
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._handlers: set[asyncio.Task] = set()
        rate = spec.bytes_per_s
        self.buckets = {} if rate is None else {d: TokenBucket(rate, burst_bytes) for d in ("bytes_up", "bytes_down")}
        self._deadline: asyncio.TimerHandle | None = None

    @property
    def address(self) -> tuple[str, int]:
        """Where clients connect, once started."""
        if self._server is None:
            raise RuntimeError("the relay is not started")
        return self._server.sockets[0].getsockname()[:2]

    async def start(self) -> tuple[str, int]:
        self._server = await asyncio.start_server(self._accept, self.listen_host, self.listen_port)
        self._deadline = asyncio.get_running_loop().call_later(self.lifetime_s, self.close, "lifetime cap")
        return self.address

    def close(self, reason: str = "closed") -> None:
        """Stop listening and reset every open connection (idempotent)."""
        if self.closed_reason:
            return
        self.closed_reason = reason
        if self._deadline is not None:
            self._deadline.cancel()
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()

    async def aclose(self, reason: str = "closed") -> None:
        """:meth:`close`, then wait until every connection's handler has ended (none is left to be cancelled)."""
        self.close(reason)
        await asyncio.gather(*self._handlers, return_exceptions=True)

    def _budget(self) -> int | None:
        """The bytes this connection may carry before it is cut (None: no cut), drawn in accept order
        from a generator of its own, so the drops a seed gives do not depend on the traffic's timing."""
        budgets = []
        if self.spec.drop_after_bytes is not None:
            budgets.append(self.spec.drop_after_bytes)
        if self.spec.drop_rate and self._drops.random() < self.spec.drop_rate:
            budgets.append(self._drops.randint(1, self.spec.drop_span_bytes))
        return min(budgets) if budgets else None

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted = time.monotonic()
        if self.closed_reason:
            self.counters.refused += 1
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            self.counters.refused += 1
            writer.transport.abort()
            return
        self.counters.connections += 1
        self.counters.open += 1
        handler = asyncio.current_task()
        self._handlers.add(handler)
        self._writers.update((writer, up_writer))
        connection = _Connection(self, self._budget(), (writer, up_writer))
        first_byte_at = accepted + 3 * self.spec.delay_s
        try:
            await asyncio.gather(connection.pipe(reader, up_writer, "bytes_up", first_byte_at),
                                 connection.pipe(up_reader, writer, "bytes_down", 0.0))
        finally:
            self.counters.open -= 1
            self._writers.difference_update((writer, up_writer))
            self._handlers.discard(handler)
            for w in (writer, up_writer):
                if connection.cut:
                    w.transport.abort()
                else:
                    w.close()


class _Connection:
    """Both directions of one relayed connection, sharing its drop budget."""

    def __init__(self, relay: Relay, budget: int | None, writers: tuple[asyncio.StreamWriter, ...]) -> None:
        self.relay, self.budget, self.writers = relay, budget, writers
        self.carried = 0
        self.cut = False

    def _cut(self) -> None:
        if not self.cut:
            self.cut = True
            self.relay.counters.drops += 1
        for w in self.writers:
            w.transport.abort()

    async def pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, counter: str,
                   not_before: float) -> None:
        """Read, stamp each chunk with its release time, and let :meth:`_send` write it when due."""
        spec = self.relay.spec
        queue: asyncio.Queue = asyncio.Queue(QUEUE_CHUNKS)
        sender = asyncio.ensure_future(self._send(queue, writer, counter))
        last_release = not_before
        try:
            while not self.cut:
                data = await reader.read(CHUNK)
                if not data:
                    break
                due = time.monotonic() + spec.delay_s + self.relay._jitter.uniform(0.0, spec.jitter_s)
                last_release = max(last_release, due)
                if not await _put(queue, (last_release, data), sender):
                    break
        except (ConnectionError, OSError):
            pass
        await _put(queue, None, sender)
        await sender

    async def _send(self, queue: asyncio.Queue, writer: asyncio.StreamWriter, counter: str) -> None:
        relay = self.relay
        bucket = relay.buckets.get(counter)
        try:
            while (item := await queue.get()) is not None:
                due, data = item
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                if self.budget is not None and self.carried + len(data) >= self.budget:
                    data = data[:self.budget - self.carried]
                step = len(data) if bucket is None else max(1, relay.burst_bytes // 4)
                for start in range(0, len(data), step):
                    piece = data[start:start + step]
                    if bucket is not None:
                        await bucket.take(len(piece))
                    if self.cut:
                        return
                    writer.write(piece)
                    await writer.drain()
                    self.carried += len(piece)
                    setattr(relay.counters, counter, getattr(relay.counters, counter) + len(piece))
                if self.budget is not None and self.carried >= self.budget:
                    self._cut()
                    return
                if relay.counters.bytes_up + relay.counters.bytes_down >= relay.max_bytes:
                    relay.close("bytes cap")
                    return
            if writer.can_write_eof():
                writer.write_eof()
        except (ConnectionError, OSError):
            self._cut_quietly()

    def _cut_quietly(self) -> None:
        """The other side went away: close ours without counting it as a drop."""
        for w in self.writers:
            w.transport.abort()


async def _put(queue: asyncio.Queue, item: object, sender: asyncio.Future) -> bool:
    """Queue ``item`` for ``sender``, unless the sender has ended (a cut, or the far side gone) and will
    take nothing more: waiting on a full queue then would hold the connection's handler for good."""
    if sender.done():
        return False
    put = asyncio.ensure_future(queue.put(item))
    await asyncio.wait((put, sender), return_when=asyncio.FIRST_COMPLETED)
    if put.done():
        return True
    put.cancel()
    return False


class RelayThread:
    """Relays on an event loop in a daemon thread, for synchronous callers; a context manager."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="wan-relays", daemon=True)
        self.relays: list[Relay] = []

    def __enter__(self) -> RelayThread:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def add(self, relay: Relay) -> tuple[str, int]:
        """Start ``relay`` on the thread's loop; its listening address."""
        address = asyncio.run_coroutine_threadsafe(relay.start(), self.loop).result(timeout=10)
        self.relays.append(relay)
        return address

    def counters(self, relay: Relay) -> dict:
        """A consistent copy of ``relay``'s counters, read on its loop."""
        return asyncio.run_coroutine_threadsafe(_copy(relay), self.loop).result(timeout=10)

    def stop(self) -> None:
        """Close every relay and its connections, then end the loop and its thread (idempotent)."""
        if not self._thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(_close_all(self.relays), self.loop).result(timeout=30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)


async def _copy(relay: Relay) -> dict:
    return relay.counters.as_dict()


async def _close_all(relays: list[Relay]) -> None:
    await asyncio.gather(*(relay.aclose("stopped") for relay in relays))
