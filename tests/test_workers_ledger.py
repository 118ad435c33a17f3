"""The stake ledger in the job log, and a run that can no longer move saying so.

Ray-free: the coordinator core on a manual clock, as in test_workers_core.
"""

from test_workers_core import GENESIS, PROOF, chain, drive, make_core

from workers.core import CoordinatorCore
from workers.joblog import JobLog
from workers.ledger import ledger_events, statement
from workers.metrics import measure
from workers.policies import Auction, RoundRobin


def test_the_ledger_balances_exactly_and_never_goes_below_zero(tmp_path):
    auction = Auction(5.0, min_stake=10.0, collateral=40.0, slash_fraction=0.5)
    core, clock = make_core(tmp_path, auction)
    for job in chain(6):
        core.submit(job)
    core.prover_joined("liar", capacity=100.0, stake=50.0)
    core.prover_joined("honest", capacity=1.0, stake=50.0)
    drive(core, clock, bad={"liar"})
    accounts = statement(ledger_events(core.log))
    liar, honest = accounts["liar"], accounts["honest"]
    # 20 per invalid proof asked, clamped to what is left: 20, 20, then 10, and no bid below 10
    assert (liar.deposits, liar.slashes, liar.rewards, liar.balance) == (50.0, 50.0, 0.0, 0.0)
    assert honest.slashes == 0.0 and honest.rewards > 0 and honest.balance == 50.0 + honest.rewards
    assert accounts == core.accounts
    assert measure(core.log).slashed_stake == 50.0
    rewards = core.log.events("reward")
    assert len(rewards) == 6 and {e[3] for e in rewards} == {"honest"}


def test_the_ledger_survives_a_restart_so_a_slashed_prover_stays_out(tmp_path):
    auction = Auction(5.0, min_stake=10.0, collateral=40.0, slash_fraction=0.5)
    core, clock = make_core(tmp_path, auction)
    for job in chain(2):
        core.submit(job)
    core.prover_joined("liar", capacity=100.0, stake=25.0)
    (d,) = core.assign()
    assert core.result(0, d.attempt, "liar", PROOF, 1.0)
    core.verdict(0, d.attempt, PROOF, False, "pairing check failed")
    assert core.balance("liar") == 5.0
    core.log.close()

    again = CoordinatorCore(JobLog(tmp_path / "log.sqlite"), Auction(5.0, min_stake=10.0), clock, GENESIS)
    again.prover_joined("liar", capacity=100.0, stake=25.0)  # no second deposit: the ledger remembers
    assert again.balance("liar") == 5.0 and again.assign() == []
    assert len(again.log.events("deposit")) == 1
    stall = again.stall(grace_s=0.0)
    assert stall is not None
    assert "stake 5 is below the auction's minimum 10" in stall.provers["liar"]
    assert stall.jobs == {0: "reassigned: no registered prover may take it",
                          1: "pending: no registered prover may take it"}


def test_a_silent_prover_stalls_the_run_only_after_the_grace(tmp_path):
    core, clock = make_core(tmp_path, RoundRobin(5.0))
    for job in chain(2):
        core.submit(job)
    core.prover_joined("mute")  # round-robin ties go by name: mute takes job 0, and never answers
    core.prover_joined("zoe")
    first, second = core.assign()
    assert (first.prover_id, second.prover_id) == ("mute", "zoe")
    assert core.result(1, second.attempt, "zoe", PROOF, 1.0)
    core.verdict(1, second.attempt, PROOF, True, "valid")
    clock.t = 6.0
    core.tick()
    assert core.stall(grace_s=10.0) is None  # zoe is idle and job 0 waits: it will be assigned
    core.prover_left("zoe", "deregistered")
    assert core.stall(grace_s=10.0) is None  # mute's attempt expired only 1 s ago
    clock.t = 16.0
    stall = core.stall(grace_s=10.0)
    assert stall.jobs[0] == "reassigned: attempt 1 by mute never answered"
    assert stall.jobs[1] == "verified, waits behind job 0 for in-order finality"
    assert stall.provers == {"mute": "never answered job 0 attempt 1, past its deadline"}
    assert stall.describe().startswith("stalled: job 0: reassigned")


def test_a_finished_or_busy_run_is_not_stalled(tmp_path):
    core, clock = make_core(tmp_path, RoundRobin(5.0))
    assert core.stall(0.0) is None  # nothing submitted
    core.submit(chain(1)[0])
    core.prover_joined("p")
    (d,) = core.assign()
    assert core.stall(0.0) is None  # within its deadline
    assert core.result(0, d.attempt, "p", PROOF, 1.0)
    assert core.stall(0.0) is None  # verifying
    core.verdict(0, d.attempt, PROOF, True, "valid")
    assert core.done() and core.stall(0.0) is None
