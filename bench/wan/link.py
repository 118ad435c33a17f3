"""What one emulated WAN link does: delay, jitter, bandwidth and connection drops, and named profiles.

A :class:`LinkSpec` is the contract between the bench and the relay
(:mod:`bench.wan.relay`). Delay and jitter are one-way and apply to each
direction; the bandwidth cap applies to each direction on its own (a full
duplex link). ``profile("100ms")`` names a round-trip time, so its one-way
delay is half of it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class LinkSpec:
    """One link between an external prover and the gateway.

    - ``delay_s``: one-way delay, the least any byte waits in each direction;
    - ``jitter_s``: extra one-way delay drawn uniformly from [0, jitter_s] per
      chunk read; bytes never overtake each other within a connection, so a
      chunk waits at least as long as the one before it;
    - ``mbit_s``: cap per direction in Mbit/s (10^6 bit/s), None for no cap;
    - ``drop_rate``: the share of connections cut (seeded), each after a byte
      count drawn uniformly from [1, ``drop_span_bytes``];
    - ``drop_after_bytes``: cut every connection after that many bytes (both
      directions together), None for never.
    """

    delay_s: float = 0.0
    jitter_s: float = 0.0
    mbit_s: float | None = None
    drop_rate: float = 0.0
    drop_after_bytes: int | None = None
    drop_span_bytes: int = 1 << 20

    def __post_init__(self) -> None:
        if self.delay_s < 0 or self.jitter_s < 0:
            raise ValueError(f"delay and jitter must be >= 0 s, not {self.delay_s} and {self.jitter_s}")
        if self.mbit_s is not None and self.mbit_s <= 0:
            raise ValueError(f"a bandwidth cap must be > 0 Mbit/s, not {self.mbit_s} (None means no cap)")
        if not 0.0 <= self.drop_rate <= 1.0:
            raise ValueError(f"drop_rate is a share of connections in [0, 1], not {self.drop_rate}")
        if self.drop_after_bytes is not None and self.drop_after_bytes < 1:
            raise ValueError(f"drop_after_bytes must be >= 1, not {self.drop_after_bytes}")
        if self.drop_span_bytes < 1:
            raise ValueError(f"drop_span_bytes must be >= 1, not {self.drop_span_bytes}")

    @property
    def rtt_s(self) -> float:
        """The least round-trip time the link adds (both one-way delays)."""
        return 2 * self.delay_s

    @property
    def bytes_per_s(self) -> float | None:
        return None if self.mbit_s is None else self.mbit_s * 1e6 / 8

    def describe(self) -> str:
        """The link in words, for the bench's assumptions."""
        rate = "uncapped" if self.mbit_s is None else f"{self.mbit_s:g} Mbit/s each way"
        drops = []
        if self.drop_rate:
            drops.append(f"{self.drop_rate:.0%} of connections cut")
        if self.drop_after_bytes is not None:
            drops.append(f"every connection cut after {self.drop_after_bytes:,} B")
        return (f"one-way {self.delay_s * 1e3:g} ms + jitter [0, {self.jitter_s * 1e3:g}] ms, {rate}"
                + (", " + ", ".join(drops) if drops else ""))

    def as_dict(self) -> dict:
        return asdict(self)


PROFILES: dict[str, LinkSpec] = {
    "lan": LinkSpec(delay_s=0.0001, mbit_s=1000.0),
    "20ms": LinkSpec(delay_s=0.010, jitter_s=0.001, mbit_s=100.0),
    "100ms": LinkSpec(delay_s=0.050, jitter_s=0.005, mbit_s=100.0),
    "300ms": LinkSpec(delay_s=0.150, jitter_s=0.010, mbit_s=100.0),
    "10mbit": LinkSpec(delay_s=0.010, mbit_s=10.0),
    "100mbit": LinkSpec(delay_s=0.010, mbit_s=100.0),
}
"""Named links: ``lan``; round-trip times of 20, 100 and 300 ms at 100 Mbit/s; 10 and 100 Mbit/s at 20 ms RTT."""


def profile(name: str) -> LinkSpec:
    """The named link of :data:`PROFILES`; a clear error naming the known ones otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown link profile {name!r}: use one of {', '.join(PROFILES)}") from None
