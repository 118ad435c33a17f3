"""The emulated WAN: the relay's delay, cap, byte fidelity, drops and counters; the namespace harness."""

import asyncio
import hashlib
import os
import sys
import time

import pytest

from bench.wan.link import PROFILES, LinkSpec, profile
from bench.wan import netns
from bench.wan.netns import Namespace, NamespaceError, namespaces, unavailable_reason
from bench.wan.relay import Relay, RelayThread, TokenBucket


async def _echo_server(host: str = "127.0.0.1"):
    """A server that echoes everything back, then closes when its client half-closes."""
    async def echo(reader, writer):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
        writer.close()

    server = await asyncio.start_server(echo, host, 0)
    return server, server.sockets[0].getsockname()[:2]


async def _sink_server():
    """A server that reads everything, then answers with the sha256 of what it got and its byte count."""
    async def sink(reader, writer):
        digest, total = hashlib.sha256(), 0
        while data := await reader.read(65536):
            digest.update(data)
            total += len(data)
        writer.write(f"{digest.hexdigest()} {total}".encode())
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(sink, "127.0.0.1", 0)
    return server, server.sockets[0].getsockname()[:2]


async def _round_trip(address, payload: bytes) -> tuple[bytes, float]:
    start = time.monotonic()
    reader, writer = await asyncio.open_connection(*address)
    writer.write(payload)
    await writer.drain()
    writer.write_eof()
    echoed = await reader.read(len(payload))
    elapsed = time.monotonic() - start
    echoed += await reader.read()
    writer.close()
    return echoed, elapsed


def test_relay_adds_at_least_the_delay_each_way():
    spec = LinkSpec(delay_s=0.05, jitter_s=0.02)

    async def main():
        server, target = await _echo_server()
        direct = Relay(LinkSpec(), target)
        delayed = Relay(spec, target, seed=1)
        fast, slow = await direct.start(), await delayed.start()
        trips = [await _round_trip(slow, b"ping %d" % i) for i in range(5)]
        baseline = await _round_trip(fast, b"ping")
        direct.close()
        delayed.close()
        server.close()
        return trips, baseline, delayed.counters

    trips, baseline, counters = asyncio.run(main())
    assert all(echoed == b"ping %d" % i for i, (echoed, _) in enumerate(trips))
    assert min(elapsed for _, elapsed in trips) >= spec.rtt_s
    assert baseline[0] == b"ping"
    assert counters.connections == 5 and counters.open == 0 and counters.drops == 0
    assert counters.bytes_up == counters.bytes_down == sum(len(b"ping %d" % i) for i in range(5))


def test_a_new_connection_pays_the_handshake_round_trip():
    spec = LinkSpec(delay_s=0.04)

    async def main():
        server, target = await _echo_server()
        relay = Relay(spec, target)
        address = await relay.start()
        start = time.monotonic()
        reader, writer = await asyncio.open_connection(*address)
        writer.write(b"first")
        first = await reader.readexactly(5)
        first_s = time.monotonic() - start
        start = time.monotonic()
        writer.write(b"again")
        again = await reader.readexactly(5)
        again_s = time.monotonic() - start
        writer.close()
        await relay.aclose()
        server.close()
        return first, first_s, again, again_s

    first, first_s, again, again_s = asyncio.run(main())
    assert (first, again) == (b"first", b"again")
    assert first_s >= 2 * spec.rtt_s
    assert again_s >= spec.rtt_s


def test_relay_keeps_every_byte_in_order_under_jitter():
    payload = os.urandom(3 << 20)
    spec = LinkSpec(delay_s=0.002, jitter_s=0.02)

    async def main():
        server, target = await _sink_server()
        relay = Relay(spec, target, seed=7)
        address = await relay.start()
        reader, writer = await asyncio.open_connection(*address)
        for start in range(0, len(payload), 4096):
            writer.write(payload[start:start + 4096])
        await writer.drain()
        writer.write_eof()
        answer = await reader.read()
        writer.close()
        relay.close()
        server.close()
        return answer.decode(), relay.counters

    answer, counters = asyncio.run(main())
    assert answer == f"{hashlib.sha256(payload).hexdigest()} {len(payload)}"
    assert counters.bytes_up == len(payload)
    assert counters.bytes_down == len(answer)
    flipped = bytearray(payload)
    flipped[12345] ^= 1
    assert answer.split()[0] != hashlib.sha256(bytes(flipped)).hexdigest()


def test_relay_caps_the_rate_at_the_bucket():
    spec = LinkSpec(mbit_s=16.0)
    burst = 16 * 1024
    payload = os.urandom(1 << 20)

    async def main():
        server, target = await _sink_server()
        relay = Relay(spec, target, burst_bytes=burst)
        address = await relay.start()
        reader, writer = await asyncio.open_connection(*address)
        start = time.monotonic()
        writer.write(payload)
        await writer.drain()
        writer.write_eof()
        answer = await reader.read()
        elapsed = time.monotonic() - start
        writer.close()
        relay.close()
        server.close()
        return answer.decode(), elapsed

    answer, elapsed = asyncio.run(main())
    assert answer.endswith(f" {len(payload)}")
    assert len(payload) <= burst + spec.bytes_per_s * elapsed + len(answer)
    assert elapsed >= (len(payload) - burst) / spec.bytes_per_s


def test_connections_of_one_link_share_its_cap():
    spec = LinkSpec(mbit_s=16.0)
    burst = 16 * 1024
    payload = os.urandom(512 * 1024)

    async def send(address):
        reader, writer = await asyncio.open_connection(*address)
        writer.write(payload)
        await writer.drain()
        writer.write_eof()
        answer = await reader.read()
        writer.close()
        return answer.decode()

    async def main():
        server, target = await _sink_server()
        relay = Relay(spec, target, burst_bytes=burst)
        address = await relay.start()
        start = time.monotonic()
        answers = await asyncio.gather(send(address), send(address))
        elapsed = time.monotonic() - start
        await relay.aclose()
        server.close()
        return answers, elapsed, relay.counters

    answers, elapsed, counters = asyncio.run(main())
    assert all(a.endswith(f" {len(payload)}") for a in answers)
    assert counters.connections == 2 and counters.bytes_up == 2 * len(payload)
    assert elapsed >= (2 * len(payload) - burst) / spec.bytes_per_s


def test_token_bucket_spends_and_refills():
    async def main():
        bucket = TokenBucket(rate=1e6, burst=1000)
        await bucket.take(1000)
        assert bucket.tokens < 1
        start = time.monotonic()
        await bucket.take(500)
        return time.monotonic() - start

    assert asyncio.run(main()) >= 500 / 1e6 * 0.9


def test_relay_cuts_a_connection_after_its_bytes():
    async def main():
        server, target = await _echo_server()
        relay = Relay(LinkSpec(drop_after_bytes=1000), target)
        address = await relay.start()
        reader, writer = await asyncio.open_connection(*address)
        writer.write(os.urandom(5000))
        got = b""
        with pytest.raises(ConnectionError):
            while True:
                chunk = await reader.read(65536)
                if not chunk:
                    raise ConnectionResetError("closed")
                got += chunk
        writer.close()
        kept = Relay(LinkSpec(drop_after_bytes=10_000), target)
        fine = await _round_trip(await kept.start(), b"x" * 100)
        relay.close()
        kept.close()
        server.close()
        return relay.counters, got, fine, kept.counters

    counters, got, fine, kept = asyncio.run(main())
    assert counters.drops == 1 and counters.open == 0
    assert counters.bytes_up + counters.bytes_down <= 1000
    assert len(got) < 5000
    assert fine[0] == b"x" * 100 and kept.drops == 0


def test_relay_drops_a_seeded_share_of_connections():
    spec = LinkSpec(drop_rate=0.5, drop_span_bytes=10, jitter_s=0.002)

    async def trial(seed):
        server, target = await _echo_server()
        relay = Relay(spec, target, seed=seed)
        address = await relay.start()
        outcomes = []
        for _ in range(40):
            try:
                echoed, _ = await _round_trip(address, b"y" * 200)
                outcomes.append(echoed == b"y" * 200)
            except ConnectionError:
                outcomes.append(False)
        relay.close()
        server.close()
        return outcomes, relay.counters

    first, counters = asyncio.run(trial(3))
    again, _ = asyncio.run(trial(3))
    other, _ = asyncio.run(trial(4))
    assert first == again
    assert other != first
    assert counters.connections == 40
    assert 0 < counters.drops < 40
    assert first.count(False) == counters.drops


def test_relay_stops_by_itself_at_its_caps():
    async def main():
        server, target = await _echo_server()
        relay = Relay(LinkSpec(), target, lifetime_s=0.2)
        address = await relay.start()
        await _round_trip(address, b"before")
        await asyncio.sleep(0.4)
        with pytest.raises(OSError):
            await _round_trip(address, b"after")
        capped = Relay(LinkSpec(), target, max_bytes=1000)
        capped_address = await capped.start()
        reader, writer = await asyncio.open_connection(*capped_address)
        writer.write(os.urandom(4000))
        await writer.drain()
        with pytest.raises(ConnectionError):
            while await reader.read(65536):
                pass
            raise ConnectionResetError("closed")
        server.close()
        return relay, capped

    relay, capped = asyncio.run(main())
    assert relay.closed_reason == "lifetime cap"
    assert capped.closed_reason == "bytes cap"
    assert capped.counters.bytes_up + capped.counters.bytes_down < 4000 * 2


def test_a_cut_with_a_full_queue_ends_its_connection_and_the_relay_closes():
    """A firehose behind a slow link fills the relay's queue; the cut ends the sender, and the reader side
    must not wait on that full queue for good (the relay's close waits for every connection)."""
    async def firehose(reader, writer):
        try:
            while True:
                writer.write(b"z" * 65536)
                await writer.drain()
        except ConnectionError:
            writer.close()

    async def main():
        server = await asyncio.start_server(firehose, "127.0.0.1", 0)
        relay = Relay(LinkSpec(mbit_s=8.0, drop_after_bytes=200_000), server.sockets[0].getsockname()[:2])
        reader, writer = await asyncio.open_connection(*await relay.start())
        got = 0
        try:
            while chunk := await reader.read(65536):
                got += len(chunk)
        except ConnectionError:
            pass
        await asyncio.wait_for(relay.aclose(), 10)
        writer.close()
        server.close()
        return relay.counters, got

    counters, got = asyncio.run(main())
    assert counters.drops == 1 and counters.open == 0 and got <= 200_000


def test_relay_thread_serves_synchronous_callers():
    import socket

    with socket.create_server(("127.0.0.1", 0)) as listener, RelayThread() as relays:
        relay = Relay(LinkSpec(delay_s=0.01), listener.getsockname()[:2], listen_host="127.0.0.10")
        address = relays.add(relay)
        assert address[0] == "127.0.0.10"
        client = socket.create_connection(address, timeout=10)
        peer, _ = listener.accept()
        client.sendall(b"hello")
        assert peer.recv(5) == b"hello"
        assert relays.counters(relay)["bytes_up"] == 5
        assert relays.counters(relay)["open"] == 1
        relays.stop()
        assert relay.closed_reason == "stopped" and relay.counters.open == 0
        assert peer.recv(5) == b""
        client.close()
        peer.close()


def test_link_specs_refuse_bad_values_and_name_profiles():
    assert profile("100ms").rtt_s == pytest.approx(0.1)
    assert {"lan", "20ms", "100ms", "300ms", "10mbit", "100mbit"} <= set(PROFILES)
    assert "10 Mbit/s" in profile("10mbit").describe()
    with pytest.raises(ValueError, match="unknown link profile"):
        profile("moon")
    for bad in ({"delay_s": -1}, {"mbit_s": 0}, {"drop_rate": 1.5}, {"drop_after_bytes": 0}):
        with pytest.raises(ValueError):
            LinkSpec(**bad)


NO_NETNS = unavailable_reason()
needs_netns = pytest.mark.skipif(NO_NETNS is not None, reason=f"no network namespace: {NO_NETNS}")


@needs_netns
def test_namespace_is_created_isolated_and_removed():
    with Namespace() as ns:
        assert ns.name in namespaces()
        links = ns.run(["ip", "-o", "link"], timeout_s=30).stdout
        assert [line.split(":")[1].strip() for line in links.splitlines()] == ["lo"]
        assert "Linux" in ns.python("platform", [], timeout_s=60).stdout
        child = ns.popen(["sleep", "60"])
    assert ns.name not in namespaces()
    assert child.poll() is not None
    with pytest.raises(NamespaceError, match="not open"):
        ns.popen(["true"])


@needs_netns
def test_namespace_reaches_loopback_only():
    script = ("import socket\n"
              "s = socket.create_server(('127.0.0.12', 0)); port = s.getsockname()[1]\n"
              "c = socket.create_connection(('127.0.0.12', port), timeout=5, source_address=('127.0.0.13', 0))\n"
              "print(s.accept()[1][0])\n"
              "try:\n    socket.create_connection(('10.1.2.3', 80), timeout=2)\nexcept OSError as e:\n"
              "    print('unreachable', e.errno)\n")
    with Namespace() as ns:
        lines = ns.run([sys.executable, "-c", script], timeout_s=30).stdout.split("\n")
    assert lines[0] == "127.0.0.13"
    assert lines[1].startswith("unreachable")


@needs_netns
def test_namespace_is_removed_after_an_error_a_timeout_and_at_exit():
    with pytest.raises(ZeroDivisionError):
        with Namespace() as ns:
            name = ns.name
            assert name in namespaces()
            1 / 0
    assert name not in namespaces()
    with pytest.raises(NamespaceError, match="timed out"):
        with Namespace() as ns:
            name = ns.name
            ns.run(["sleep", "30"], timeout_s=0.5)
    assert name not in namespaces()
    with pytest.raises(NamespaceError, match="exited 3"):
        with Namespace() as ns:
            ns.run([sys.executable, "-c", "raise SystemExit(3)"], timeout_s=30)
    left = Namespace().__enter__()
    left.popen(["sleep", "60"])
    assert left.name in namespaces()
    netns._remove_all()
    assert left.name not in namespaces()


def test_unavailable_reason_names_what_is_missing(monkeypatch):
    monkeypatch.setattr(netns.os, "geteuid", lambda: 1000)
    assert "root" in netns.unavailable_reason()
    with pytest.raises(NamespaceError, match="need root"):
        Namespace().__enter__()
    monkeypatch.setattr(netns.os, "geteuid", lambda: 0)
    monkeypatch.setattr(netns.shutil, "which", lambda name: None)
    assert "iproute2" in netns.unavailable_reason()


def test_ray_node_address_problem_is_named(monkeypatch):
    monkeypatch.setattr(netns.socket, "gethostbyname", lambda name: "127.0.0.1")
    assert netns.ray_node_ip_problem() is None
    monkeypatch.setattr(netns.socket, "gethostbyname", lambda name: "10.0.0.5")
    assert "10.0.0.5" in netns.ray_node_ip_problem()


@pytest.mark.slow
@needs_netns
def test_ray_starts_inside_a_namespace_with_only_loopback():
    script = ("import os, ray\n"
              "from workers.cluster import connect\n"
              "connect(num_cpus=1)\n"
              "print(ray.get(ray.remote(lambda: os.getpid()).remote()) > 0, ray.util.get_node_ip_address())\n"
              "ray.shutdown()\n")
    with Namespace() as ns:
        out = ns.run([sys.executable, "-c", script], timeout_s=180,
                     env={**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}).stdout
    assert out.split()[-2:] == ["True", netns.RAY_NODE_IP]


def test_relay_counts_a_connection_its_target_refuses():
    import socket

    with socket.create_server(("127.0.0.1", 0)) as placeholder:
        dead_target = placeholder.getsockname()[:2]

    async def main():
        relay = Relay(LinkSpec(), dead_target)
        address = await relay.start()
        reader, writer = await asyncio.open_connection(*address)
        try:
            got = await reader.read()
        except ConnectionError:
            got = b""
        writer.close()
        relay.close()
        return got, relay.counters

    got, counters = asyncio.run(main())
    assert got == b""
    assert counters.refused == 1 and counters.connections == 0 and counters.bytes_up == 0
