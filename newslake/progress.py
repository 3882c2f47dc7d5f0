"""Progress of a long run: each stage says how far it is; the front door decides how
that shows (a live rich display on a terminal, a log line every few seconds
elsewhere, nothing with --quiet). Domain and flow code only call `progress()`.

Both displays keep their counts and clocks in rich.progress tasks; this module only
chooses the columns and the log line. Rate and time left are the stage's average so
far, not rich's estimate: progress comes in chunks (a parse chunk, a checkpoint), and
rich's speed, taken between the samples of the last 30 s, has nothing to say until a
second chunk ends inside that window, so a backfill's bar would show no time left.
"""

from __future__ import annotations

import sys
import time
from datetime import timedelta
from typing import TYPE_CHECKING, Callable, Protocol, TextIO

if TYPE_CHECKING:  # rich.progress is imported only when progress is shown
    from rich.console import Console
    from rich.progress import Progress, Task, TaskID


class Reporter(Protocol):
    def start(self, stage: str, total: int | None, unit: str) -> None: ...
    def advance(self, stage: str, amount: int = 1) -> None: ...
    def finish(self, stage: str) -> None: ...
    def note(self, text: str) -> None: ...


class Silent:
    def start(self, stage: str, total: int | None, unit: str) -> None:
        pass

    def advance(self, stage: str, amount: int = 1) -> None:
        pass

    def finish(self, stage: str) -> None:
        pass

    def note(self, text: str) -> None:
        pass


def rate(done: float, elapsed: float | None) -> float | None:
    """Units a second over the stage so far (None before any is done)."""
    return done / elapsed if done and elapsed else None


def seconds_left(done: float, total: float | None, elapsed: float | None) -> float | None:
    """At the rate so far; None without a total or a rate, 0 once done."""
    per_second = rate(done, elapsed)
    if total is None or per_second is None:
        return None
    return max(0.0, (total - done) / per_second)


def per_second(value: float) -> str:
    return f"{value:,.0f}/s" if value >= 10 else f"{value:.1f}/s"


def describe(stage: str, done: int, total: int | None, unit: str, elapsed: float) -> str:
    """`parse: 400 of 2,225 files, 180/s, 10 s left` (no total: no 'of' and no time left)."""
    text = f"{stage}: {done:,}" + (f" of {total:,}" if total is not None else "") + f" {unit}"
    if (speed := rate(done, elapsed)) is not None:
        text += ", " + per_second(speed)
        if (left := seconds_left(done, total, elapsed)):
            text += f", {left:,.0f} s left"
    return text


class _Stages:
    """Each stage is a task of a rich Progress, which keeps its count and its clock
    whether it is drawn or not. A stage started again (a backfill's next chunk) reuses
    its task, so the display keeps one row per stage."""

    def __init__(self, bars: "Progress"):
        self.bars = bars
        self.task_of: dict[str, "TaskID"] = {}
        self.running: set[str] = set()

    def task(self, stage: str) -> "Task":
        return next(t for t in self.bars.tasks if t.id == self.task_of[stage])

    def start(self, stage: str, total: int | None, unit: str) -> None:
        if stage in self.task_of:
            self.bars.reset(self.task_of[stage], total=total, unit=unit)
        else:
            self.task_of[stage] = self.bars.add_task(stage, total=total, unit=unit)
        self.running.add(stage)

    def advance(self, stage: str, amount: int = 1) -> None:
        if stage in self.running:
            self.bars.advance(self.task_of[stage], amount)

    def finish(self, stage: str) -> None:
        if stage in self.running:
            self.running.discard(stage)
            self.bars.stop_task(self.task_of[stage])


class Lines(_Stages):
    """A line per stage at most every `every` seconds, and one when it ends: for logs."""

    def __init__(self, stream: TextIO | None = None, every: float = 5.0, clock: Callable[[], float] = time.monotonic):
        from rich.progress import Progress

        super().__init__(Progress(disable=True, get_time=clock))
        self.stream = stream or sys.stderr
        self.every = every
        self.last: dict[str, float] = {}
        self.said: dict[str, float] = {}  # the count each stage's last line gave

    def _say(self, stage: str) -> None:
        task = self.task(stage)
        self.said[stage] = task.completed
        self.last[stage] = self.bars.get_time()
        # written, not printed: a flow's log_prints would turn print() into a Prefect log record
        self.stream.write(describe(stage, int(task.completed), task.total, task.fields["unit"], task.elapsed or 0.0) + "\n")
        self.stream.flush()

    def start(self, stage: str, total: int | None, unit: str) -> None:
        super().start(stage, total, unit)
        self.last[stage] = self.bars.get_time()
        self.said.pop(stage, None)

    def advance(self, stage: str, amount: int = 1) -> None:
        super().advance(stage, amount)
        if stage in self.running and self.bars.get_time() - self.last[stage] >= self.every:
            self._say(stage)

    def finish(self, stage: str) -> None:
        if stage in self.running:
            super().finish(stage)
            if self.said.get(stage) != self.task(stage).completed:  # never the same line twice
                self._say(stage)

    def note(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()


def _columns() -> list:
    from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn
    from rich.text import Text

    class Rate(ProgressColumn):
        def render(self, task: "Task") -> Text:
            speed = rate(task.completed, task.elapsed)
            return Text(per_second(speed) if speed is not None else "", style="dim")

    class Left(ProgressColumn):
        def render(self, task: "Task") -> Text:
            left = seconds_left(task.completed, task.total, task.elapsed)
            return Text("-:--:--" if left is None else str(timedelta(seconds=round(left))), style="progress.remaining")

    return [
        TextColumn("[bold]{task.description:<9}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[unit]}"),
        TaskProgressColumn(),
        Rate(),
        TimeElapsedColumn(),
        Left(),
    ]


class Live(_Stages):
    """A rich live display: one bar per stage with n of N, rate and time left."""

    def __init__(self, console: "Console | None" = None, clock: Callable[[], float] | None = None):
        from rich.progress import Progress

        super().__init__(Progress(*_columns(), console=console, transient=False, **({"get_time": clock} if clock else {})))

    def __enter__(self) -> "Live":
        self.bars.start()
        return self

    def __exit__(self, *exc) -> None:
        self.bars.stop()

    def finish(self, stage: str) -> None:
        if stage in self.running:
            done = self.task(stage).completed
            self.bars.update(self.task_of[stage], total=done, completed=done)  # a full bar: the count was the total
        super().finish(stage)

    def note(self, text: str) -> None:
        self.bars.console.print(text, highlight=False)


_reporter: Reporter = Silent()


def use(reporter: Reporter) -> Reporter:
    """Install `reporter` for this process; returns the one it replaces."""
    global _reporter
    previous, _reporter = _reporter, reporter
    return previous


def progress() -> Reporter:
    return _reporter
