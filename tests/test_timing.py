import time

from zkprove.timing import StepTimer, warm_then_time


def test_steps_are_named_nested_and_summed():
    timer = StepTimer()
    with timer.step("prove"):
        with timer.step("msm"):
            time.sleep(0.01)
    with timer.step("verify"):
        pass
    names = [name for name, _ in timer.steps]
    assert names == ["prove.msm", "prove", "verify"]
    steps = timer.as_dict()
    assert steps["prove"] >= steps["prove.msm"] >= 0.01
    assert abs(timer.total() - (steps["prove"] + steps["verify"])) < 1e-12
    assert "msm" in timer.report() and "%" in timer.report()


def test_failed_step_is_still_recorded():
    timer = StepTimer()
    try:
        with timer.step("boom"):
            raise RuntimeError
    except RuntimeError:
        pass
    assert [name for name, _ in timer.steps] == ["boom"]


def test_warm_then_time_proves_the_warmup_first_and_times_only_the_jobs():
    calls = []

    def prove(job):
        calls.append(job)
        if job == "warm":
            time.sleep(0.05)
        return job.upper()

    results, seconds = warm_then_time(prove, "warm", ["a", "b"])
    assert calls == ["warm", "a", "b"]
    assert results == ["A", "B"]
    assert len(seconds) == 2 and all(0 <= s < 0.05 for s in seconds)
