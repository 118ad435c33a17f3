"""The stake ledger: deposits, rewards and slashes, kept as events of the job log.

Every entry is one event whose ``amount`` is the sum moved: ``deposit`` (a
prover's stake on its first registration), ``reward`` (paid when a job the
prover proved finalizes) and ``slash`` (taken for a missed deadline or an
invalid proof, never more than the balance left). Because the entries live
in the job log, the ledger is as durable as the log: a coordinator restarted
on it sees every prover's balance as it was, and a prover slashed below the
auction's minimum stays unable to bid. A balance is deposits + rewards -
slashes, and :func:`statement` recomputes it from the log alone, so a test
can check that it balances exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

SIGNS = {"deposit": 1.0, "reward": 1.0, "slash": -1.0}
"""Ledger event kinds and the sign of their amount in a balance."""


@dataclass
class Account:
    """One prover's ledger totals, each summed in log order (so a replay gives the same floats)."""

    deposits: float = 0.0
    rewards: float = 0.0
    slashes: float = 0.0

    @property
    def balance(self) -> float:
        return self.deposits + self.rewards - self.slashes

    def post(self, kind: str, amount: float) -> None:
        """Add one ledger entry of ``kind`` (a key of :data:`SIGNS`)."""
        if kind == "deposit":
            self.deposits += amount
        elif kind == "reward":
            self.rewards += amount
        else:
            self.slashes += amount


def statement(events: Iterable[tuple]) -> dict[str, Account]:
    """Every prover's account from job-log events ``(at, kind, job_id, prover, detail, amount)``."""
    accounts: dict[str, Account] = defaultdict(Account)
    for _, kind, _, prover, _, amount in events:
        if kind in SIGNS and prover is not None:
            accounts[prover].post(kind, amount)
    return dict(accounts)


def ledger_events(log) -> list[tuple]:
    """The ledger's events of a job log (any :class:`~workers.joblog.JobLog`-like store), in log order."""
    entries = [e for kind in SIGNS for e in log.events(kind)]
    return sorted(entries, key=lambda e: e[0])
