"""Progress of a long run: each stage says how far it is; the front door decides how
that shows (a live rich display on a terminal, a log line every few seconds
elsewhere, nothing with --quiet). Domain and flow code only call `progress()`."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from typing import Protocol, TextIO


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


@dataclass
class _Stage:
    total: int | None
    unit: str
    done: int = 0
    started: float = field(default_factory=time.monotonic)


def describe(stage: str, done: int, total: int | None, unit: str, elapsed: float) -> str:
    """`parse: 400 of 2,225 files, 180/s, 10 s left` (no total: no 'of' and no time left)."""
    rate = done / elapsed if elapsed > 0 else 0.0
    text = f"{stage}: {done:,}" + (f" of {total:,}" if total is not None else "") + f" {unit}"
    if done and elapsed > 0:
        text += f", {rate:,.0f}/s" if rate >= 10 else f", {rate:.1f}/s"
        if total is not None and done < total and rate > 0:
            text += f", {(total - done) / rate:,.0f} s left"
    return text


class Lines:
    """A line per stage at most every `every` seconds, and one when it ends: for logs."""

    def __init__(self, stream: TextIO | None = None, every: float = 5.0):
        self.stream = stream or sys.stderr
        self.every = every
        self.stages: dict[str, _Stage] = {}
        self.last: dict[str, float] = {}
        self.said: dict[str, int] = {}  # the count each stage's last line gave

    def _say(self, stage: str) -> None:
        s = self.stages[stage]
        self.said[stage] = s.done
        # written, not printed: a flow's log_prints would turn print() into a Prefect log record
        self.stream.write(describe(stage, s.done, s.total, s.unit, time.monotonic() - s.started) + "\n")
        self.stream.flush()
        self.last[stage] = time.monotonic()

    def start(self, stage: str, total: int | None, unit: str) -> None:
        self.stages[stage] = _Stage(total, unit)
        self.last[stage] = time.monotonic()

    def advance(self, stage: str, amount: int = 1) -> None:
        if stage not in self.stages:
            return
        self.stages[stage].done += amount
        if time.monotonic() - self.last[stage] >= self.every:
            self._say(stage)

    def finish(self, stage: str) -> None:
        if stage in self.stages:
            if self.said.get(stage) != self.stages[stage].done:  # never the same line twice
                self._say(stage)
            del self.stages[stage]
            self.said.pop(stage, None)

    def note(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()


class Live:
    """A rich live display: one bar per stage with n of N, rate and time left."""

    def __init__(self, console=None):
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.bars = Progress(
            TextColumn("[bold]{task.description:<9}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[unit]}"),
            TaskProgressColumn(),
            TextColumn("[dim]{task.fields[rate]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self.tasks: dict[str, int] = {}
        self.bar_of: dict[str, int] = {}  # every stage's bar, reused when a backfill's next chunk starts it again
        self.started: dict[str, float] = {}

    def __enter__(self) -> "Live":
        self.bars.start()
        return self

    def __exit__(self, *exc) -> None:
        self.bars.stop()

    def start(self, stage: str, total: int | None, unit: str) -> None:
        if stage in self.bar_of:
            self.bars.reset(self.bar_of[stage], total=total, unit=unit, rate="")
        else:
            self.bar_of[stage] = self.bars.add_task(stage, total=total, unit=unit, rate="")
        self.tasks[stage] = self.bar_of[stage]
        self.started[stage] = time.monotonic()

    def advance(self, stage: str, amount: int = 1) -> None:
        if stage in self.tasks:
            task = self.tasks[stage]
            self.bars.advance(task, amount)
            done = self.bars.tasks[task].completed
            elapsed = time.monotonic() - self.started[stage]
            self.bars.update(task, rate=f"{done / elapsed:,.1f}/s" if elapsed > 0 else "")

    def finish(self, stage: str) -> None:
        if stage in self.tasks:
            task = self.tasks.pop(stage)
            done = self.bars.tasks[task].completed
            self.bars.update(task, total=done, completed=done)

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
