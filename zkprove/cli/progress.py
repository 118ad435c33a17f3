"""The progress display every long command shows: named phases on stderr, gone when done.

``with phases() as phase:`` gives a callable: ``phase("name")`` starts the
next phase (a spinner and its elapsed time), ``phase("name", total=n)`` one
with a bar of ``n`` steps, ``phase.update(done, total, label)`` moves the bar
(the signature of :data:`zkprove.ceremony.verify.Progress`, so it is
passed as is) and ``phase.advance()`` adds one step. It writes to stderr and
is transient, so stdout keeps only a command's results, and a command piped
into a file or run in CI gets no stray frames (it is drawn only when stderr
is a terminal). ``phase.timer(prefix)`` is a :class:`~zkprove.timing.StepTimer`
that also starts a phase for each step it times, for work that reports its
steps through a timer (the ceremony's phase-2 initialization).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from ..timing import StepTimer


class _StepsColumn(MofNCompleteColumn):
    """``done/total`` for a phase with steps, nothing for a phase without."""

    def render(self, task: Task) -> Text:
        return super().render(task) if task.total is not None else Text("")


class Phases:
    """One rich task whose description names the current phase (module doc)."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self._task: TaskID = progress.add_task("starting", total=None)

    def __call__(self, name: str, total: int | None = None) -> None:
        """Start the phase ``name``: a spinner, or a bar of ``total`` steps."""
        self.progress.reset(self._task, total=total, description=name)

    def update(self, done: int, total: int, label: str) -> None:
        """``done`` of ``total`` steps; ``label`` names the one just finished."""
        self.progress.update(self._task, completed=done, total=total, description=label)

    def advance(self, steps: int = 1) -> None:
        self.progress.advance(self._task, steps)

    def timer(self, prefix: str) -> StepTimer:
        """A StepTimer whose every step also starts the phase ``prefix: step``."""
        return _AnnouncingTimer(announce=lambda step: self(f"{prefix}: {step}"))


@dataclass
class _AnnouncingTimer(StepTimer):
    """A StepTimer that calls ``announce(step name)`` as each step starts."""

    announce: Callable[[str], None] = field(default=lambda _name: None, repr=False)

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        self.announce(name)
        with super().step(name):
            yield


@contextmanager
def phases(console: Console | None = None) -> Iterator[Phases]:
    """The progress display (module doc); ``console`` defaults to stderr."""
    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), _StepsColumn(),
               TimeElapsedColumn())
    console = console or Console(stderr=True)
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as progress:
        yield Phases(progress)
