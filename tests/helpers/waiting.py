"""Waiting on another process's progress in a bounded time."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_for(predicate: Callable[[], T], what: str, timeout_s: float = 240.0, step_s: float = 0.5) -> T:
    """The predicate's first truthy value, polled every ``step_s``; AssertionError naming ``what`` after ``timeout_s``.

    The default bound covers a process start on two shared cores (imports, Ray join, JIT cache load).
    """
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(step_s)
    raise AssertionError(f"timed out waiting for {what}")
