"""The coordinator's table of attempts in flight answers what a scan of a plain dict would, in the same order."""

from dataclasses import dataclass
from random import Random

import pytest

from workers.attempts import AttemptTable


@dataclass
class Op:
    prover_id: str
    expired: bool = False


def test_the_indexes_follow_every_insertion_and_removal_in_insertion_order():
    rng = Random(5)
    table, plain = AttemptTable(), {}
    for step in range(2000):
        if plain and rng.random() < 0.45:
            key = rng.choice(list(plain))
            if rng.random() < 0.5:
                del table[key]
                del plain[key]
            else:
                assert table.pop(key) is plain.pop(key)
        else:
            key = (rng.randrange(30), step)
            plain[key] = table[key] = Op(f"p{rng.randrange(8)}")
        prover, job = f"p{rng.randrange(8)}", rng.randrange(30)
        assert table.of_prover(prover) == [(k, o) for k, o in plain.items() if o.prover_id == prover]
        assert list(table.of_job(job)) == [o for k, o in plain.items() if k[0] == job]
        assert table.has_job(job) == any(k[0] == job for k in plain)
        assert list(table.items()) == list(plain.items()) and len(table) == len(plain)
    assert table.pop((99, 0), None) is None


def test_an_attempt_is_entered_once_and_removing_an_absent_one_fails():
    table = AttemptTable()
    table[(1, 1)] = Op("p0")
    with pytest.raises(KeyError, match="attempt 1 of job 1 is already in the table"):
        table[(1, 1)] = Op("p1")
    assert table.of_prover("p1") == [] and (1, 1) in table
    del table[(1, 1)]
    with pytest.raises(KeyError):
        table.pop((1, 1))
    with pytest.raises(KeyError):
        del table[(1, 1)]
    assert not table.has_job(1) and table.of_prover("p0") == []
