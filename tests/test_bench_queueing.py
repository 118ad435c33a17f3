"""The simulation against queueing theory: M/M/1 and M/M/c mean waits (Erlang C).

Poisson arrivals (``arrivals="poisson"``), exponential proving times
(``distribution="exponential"``), a free verifier and no faults make the
simulated fleet an M/M/c queue served first come, first served: a
centralized prover is M/M/1 (one server of the fleet's speed), ``c``
round-robin provers are M/M/c. The mean wait in queue is then known in
closed form (Kleinrock, *Queueing Systems* vol. 1, 1975, sec. 3.2 and 3.5):
``W_q = C(c, a) / (c mu - lambda)`` with ``a = lambda / mu`` and Erlang's C
formula for the probability that an arrival waits. Each seed gives one mean
wait; the closed form must lie inside the 95% t interval over seeds, that
interval must be narrow enough to mean something, and the closed form at a
wrong load (more or fewer arrivals) must fall outside it. The default run is
at load 0.5 (short runs settle); the slow one at 0.7 with 30 seeds.
"""

import math

import pytest

from bench.scenarios import Scenario
from bench.simulate.engine import Simulation
from bench.simulate.timing import ProofTimes
from bench.stats import mean_ci



def erlang_c_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean wait in queue of an M/M/c queue (Erlang C); ValueError when it is unstable."""
    a, rho = arrival_rate / service_rate, arrival_rate / (servers * service_rate)
    if rho >= 1:
        raise ValueError(f"unstable queue: load {rho:.2f} >= 1")
    top = a ** servers / math.factorial(servers) / (1 - rho)
    waits = top / (sum(a ** k / math.factorial(k) for k in range(servers)) + top)
    return waits / (servers * service_rate - arrival_rate)


def mean_waits(policy: str, provers: int, mean_prove_s: float, mean_gap_s: float, seeds: int,
               jobs: int) -> list[float]:
    """Per seed: the mean seconds from submission to first assignment, past the first 10% of jobs (warm-up)."""
    times = ProofTimes(1, 1, 0, (mean_prove_s,), 0.0, 0.0, 0, distribution="exponential")
    out = []
    for seed in range(seeds):
        scenario = Scenario("mmc", policy, provers=provers, jobs=jobs, interval_s=mean_gap_s, deadline_s=1e9,
                            seed=seed)
        simulation = Simulation(scenario, times, verify_scale=0.0, join_s=0.0, arrivals="poisson")
        simulation.run()
        submitted = {j.job_id: j.submitted_at for j in simulation.log.jobs()}
        first = {}
        for a in simulation.log.attempts():
            first.setdefault(a.job_id, a.assigned_at)
        waits = [first[j] - submitted[j] for j in sorted(first) if j >= jobs // 10]
        out.append(sum(waits) / len(waits))
    return out


def test_erlang_c_matches_textbook_values():
    assert erlang_c_wait(0.7, 1.0, 1) == pytest.approx(0.7 / 0.3)  # M/M/1: rho / (mu - lambda)
    assert erlang_c_wait(2.0, 1.0, 3) == pytest.approx(0.4444 / 1.0, rel=1e-3)  # C(3, 2) = 4/9
    with pytest.raises(ValueError, match="unstable"):
        erlang_c_wait(3.0, 1.0, 3)


MMC_CASES = [
    ("centralized", 1, 0.5, 0.2, 6, 2000),
    ("round-robin", 3, 0.5, 0.2, 6, 2000),
    pytest.param("centralized", 1, 0.7, 0.1, 30, 3000, marks=pytest.mark.slow),
    pytest.param("round-robin", 3, 0.7, 0.1, 30, 3000, marks=pytest.mark.slow),
    pytest.param("round-robin", 8, 0.8, 0.1, 30, 3000, marks=pytest.mark.slow),
]


@pytest.mark.parametrize("policy, provers, load, off, seeds, jobs", MMC_CASES)
def test_the_simulated_fleet_waits_as_an_mmc_queue(policy, provers, load, off, seeds, jobs):
    """M/M/1 (the centralized prover, one server) and M/M/c (c round-robin provers) at ``load``; the
    closed form at ``load * (1 +- off)`` must be told apart."""
    prove_s = 1.0
    gap = prove_s / (provers * load)
    interval = mean_ci(mean_waits(policy, provers, prove_s, gap, seeds, jobs))
    expected = erlang_c_wait(1 / gap, 1 / prove_s, provers)
    assert interval.crosses(expected), f"closed form {expected:.3g} outside {interval.text()}"
    assert interval.high - interval.low < 0.5 * expected
    for wrong in (1 + off, 1 - off):
        other = erlang_c_wait(wrong / gap, 1 / prove_s, provers)
        assert not interval.crosses(other), f"load x{wrong:g} ({other:.3g}) also fits {interval.text()}"


def test_fixed_arrivals_and_unknown_options_are_refused_or_kept():
    times = ProofTimes(1, 1, 0, (1.0,), 0.0, 0.0, 0, distribution="exponential")
    assert times.median_s == pytest.approx(math.log(2))
    with pytest.raises(ValueError, match="arrivals"):
        Simulation(Scenario("x", jobs=2), times, arrivals="bursty")
    with pytest.raises(ValueError, match="distribution"):
        ProofTimes(1, 1, 0, (1.0,), 0.0, 0.0, 0, distribution="uniform")
    fixed = Simulation(Scenario("x", jobs=3, interval_s=0.5), times)
    fixed.run()
    assert [j.submitted_at for j in fixed.log.jobs()] == [0.0, 0.5, 1.0]
