"""The one cluster model, without Ray: job circuits (DSL and .r1cs), generic jobs, the Scenario and its
policy parameters, the one deadline rule, metric definitions that agree, and JSON provenance."""

import re
import warnings

import pytest

from bench.simulate.engine import Simulation
from bench.simulate.timing import ProofTimes
from circuits.chains import MulChain
from workers.metrics import DEFINITIONS, RunMetrics, measure
from workers.policies import Auction, PolicyConfig, Redundant
from workers.scenario import DEADLINE_FACTOR, DEADLINE_SLACK_S, Scenario, deadline_rule
from workers.workload import DslCircuit, R1csCircuit, chain_by_index, job_from_spec, job_spec, unsatisfied
from zkprove import groth16
from zkprove.formats.r1cs_file import write_r1cs
from zkprove.formats.wtns_file import write_wtns
from zkprove.l1 import verify

TIMES = ProofTimes(1, 1, 1000, (1.0, 1.1, 0.9), 0.0, 0.0, 512)


def test_a_dsl_circuit_solves_its_payload_and_names_the_failing_constraint():
    circuit = DslCircuit(MulChain(3).compile(), "MulChain(3)")
    assert circuit.witness({"a": 3, "out": 81}).public == [81]
    assert re.search(r"constraint \d+ is not satisfied", unsatisfied(circuit, {"a": 3, "out": 80}))
    assert "missing input out" in unsatisfied(circuit, {"a": 3})
    assert unsatisfied(circuit, {"a": 3, "out": 81}) is None and circuit.n_constraints == 3


def test_an_r1cs_circuit_takes_a_wtns_file_or_the_values_and_its_proofs_verify(tmp_path):
    cs = MulChain(3).compile()
    write_r1cs(cs, tmp_path / "mul.r1cs")
    values = cs.solve(a=2, out=16).values
    write_wtns(values, tmp_path / "good.wtns")
    circuit = R1csCircuit.from_file(tmp_path / "mul.r1cs")
    assert circuit.name == "mul.r1cs" and circuit.n_constraints == 3
    from_file = circuit.witness({"wtns": str(tmp_path / "good.wtns")})
    assert from_file.values == values and circuit.witness({"witness": [str(v) for v in values]}).public == [16]
    bad = list(values)
    bad[1] += 1
    assert re.search(r"constraint \d+ is not satisfied: .*signals", unsatisfied(circuit, {"witness": bad}))
    with pytest.raises(ValueError, match=r"a payload is \{'wtns': path\}"):
        circuit.witness({"inputs": {}})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", groth16.ToxicWasteWarning)
        pk, vk = groth16.setup(circuit.cs)
    assert verify(vk, from_file.public, groth16.prove(pk, from_file)).ok


def test_jobs_of_a_circuit_without_a_chain_are_linked_by_index_and_travel_as_specs():
    circuit = DslCircuit(MulChain(2).compile())
    jobs = chain_by_index(circuit, [{"a": a, "out": a**3} for a in (2, 3, 4)])
    assert [(j.link_from, j.link_to, j.size, j.public_inputs) for j in jobs] == [
        (0, 1, 1, (8,)), (1, 2, 1, (27,)), (2, 3, 1, (64,))]
    assert all(job_from_spec(job_spec(j)) == j for j in jobs)
    with pytest.raises(ValueError, match="job 1: .*not satisfied"):
        chain_by_index(circuit, [{"a": 2, "out": 8}, {"a": 2, "out": 9}])
    with pytest.raises(ValueError, match=r"missing \['size'\], unexpected \['n_tx'\]"):
        job_from_spec({**{k: v for k, v in job_spec(jobs[0]).items() if k != "size"}, "n_tx": 1})


def test_the_scenario_hands_its_policy_parameters_to_the_policy():
    """A real "redundant" run used to prove with k = 2 whatever it was asked: the one Scenario passes k on."""
    redundant = Scenario("r", "redundant", provers=5, redundancy=3).make_policy(10.0)
    assert isinstance(redundant, Redundant) and redundant.k == 3 and redundant.deadline_s == 10.0
    auction = Scenario("a", "auction", min_stake=5.0, collateral=30.0, slash_fraction=0.25).make_policy(10.0)
    assert isinstance(auction, Auction) and (auction.min_stake, auction.collateral, auction.slash_fraction) == (
        5.0, 30.0, 0.25)
    assert Scenario.from_dict(Scenario("o", outage=(1.0, 2.0), redundancy=4).as_dict()).redundancy == 4


@pytest.mark.parametrize(("fields", "named"), [
    ({"policy": "lottery"}, "unknown policy 'lottery'"),
    ({"policy": "redundant", "redundancy": 0}, "redundancy k=0"),
    ({"policy": "auction", "slash_fraction": 1.5}, "slash_fraction=1.5"),
    ({"provers": 2, "faults": {"crash": 0.3, "byzantine": 0.3, "straggler": 0.3}}, "need more than 2 provers"),
    ({"faults": {"crash": 1.5}}, "crash=1.5 is outside"),
    ({"faults": {"boom": 0.1}}, "unknown fault setting 'boom'"),
    ({"provers": 0}, "provers=0"),
    ({"deadline_s": 0.0}, "deadline_s=0"),
])
def test_a_scenario_is_checked_when_made(fields, named):
    with pytest.raises(ValueError, match=re.escape(named)):
        Scenario("bad", **fields)


def test_policy_config_builds_every_policy():
    for name in ("centralized", "round-robin", "open-race", "redundant", "auction"):
        assert PolicyConfig(name).make(5.0).name == name


def test_one_deadline_rule_for_real_and_simulated_runs():
    """The simulation's deadline is the rule on its slowest prover's median proof; a fixed one overrides it."""
    assert deadline_rule(4.0) == DEADLINE_FACTOR * 4.0 + DEADLINE_SLACK_S
    scattered = Simulation(Scenario("s", "round-robin", provers=4), TIMES)
    assert scattered.deadline_s == pytest.approx(deadline_rule(TIMES.median_s))
    central = Simulation(Scenario("c", "centralized", provers=4), TIMES)
    assert central.deadline_s == pytest.approx(deadline_rule(TIMES.median_s / 4))
    assert Simulation(Scenario("f", deadline_s=9.0), TIMES).deadline_s == 9.0


def test_a_prover_far_away_gets_its_link_time_on_top_of_the_deadline():
    """Every attempt is due in the rule's deadline plus its prover's declared link time, so a prover 1 s of
    links away keeps the same time to prove; the simulation declares what its attempts will spend."""
    from workers.core import CoordinatorCore
    from workers.faults import PROOF_BYTES, FaultSpec
    from workers.joblog import JobLog
    from bench.simulate.engine import sim_jobs

    log = JobLog(":memory:")
    core = CoordinatorCore(log, Redundant(10.0, k=2), lambda: 100.0, 1)
    core.prover_joined("near")
    core.prover_joined("far", link_s=1.5)
    core.submit(sim_jobs(1, 1)[0])
    assert {d.prover_id: d.deadline for d in core.assign()} == {"near": 110.0, "far": 111.5}

    spec = FaultSpec(latency_s=0.25, bandwidth_bps=1000.0)
    assert spec.attempt_network_s(500) == pytest.approx(0.25 + 0.5 + 0.25 + PROOF_BYTES / 1000.0)
    far = Simulation(Scenario("far", "round-robin", provers=2, jobs=4, faults={"latency_s": 0.5}), TIMES)
    far.run()
    for a in far.log.attempts():
        assert a.deadline - a.assigned_at == pytest.approx(far.deadline_s + 1.0)  # 0.5 s there and back


def test_within_deadline_and_deadline_misses_count_the_same_attempts():
    """Silent provers miss deadlines: the share within deadline is 1 - misses / attempts, and the misses
    are the attempts that had no answer by assignment + deadline."""
    simulation = Simulation(Scenario("silent", "round-robin", provers=4, jobs=12,
                                     faults={"silent": 0.25, "crash": 0.25, "rate": 0.5}, seed=2), TIMES)
    simulation.run()
    m = measure(simulation.log)
    attempts = simulation.log.attempts()
    late = [a for a in attempts if a.ended_at is None or a.ended_at > a.deadline]
    assert m.deadline_misses > 0 and m.crashes > 0 and m.finalized == 12
    assert m.deadline_misses == len(late) and m.within_deadline == pytest.approx(1 - len(late) / len(attempts))


def test_every_metric_has_a_definition_and_the_docs_print_the_same():
    from pathlib import Path

    assert set(DEFINITIONS) == set(RunMetrics.__dataclass_fields__)
    doc = (Path(__file__).parents[1] / "docs" / "architecture.md").read_text()
    section = doc.split("\n### Metrics\n", 1)[1].split("\n### ", 1)[0]
    rows = dict(re.findall(r"^\| `(\w+)` \| (.+) \|$", section, re.M))
    assert rows == DEFINITIONS


def test_cluster_run_help_defines_its_metrics():
    from typer.testing import CliRunner

    import bench.cluster_cli  # noqa: F401  (adds run to the cluster group)
    from workers.cli import app

    text = " ".join(CliRunner().invoke(app, ["run", "--help"], terminal_width=200).output.replace("│", " ").split())
    assert "attempts within deadline: share of attempts that did not miss their deadline" in text
    assert "deadline s (per attempt): seconds one attempt may take from assignment" in text


def test_json_outputs_carry_their_provenance():
    from bench.report.results import provenance as bench_provenance
    from bench.rows import rows_document
    from zkprove.cli.paths import provenance

    made = provenance(7, command="x")
    assert made["seed"] == 7 and made["command"] == "x" and made["cores"] >= 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", made["created"])
    assert {"zkprove", "python", "numba", "ray"} <= set(made["versions"])
    bench = bench_provenance("zkprove bench compare", 3)
    assert bench["seed"] == 3 and {"simpy", "ray"} <= set(bench["versions"]) and bench["machine"]["cpu_count"]
    assert rows_document([], "t")["provenance"]["created"]
