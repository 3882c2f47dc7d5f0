"""Progress display: the log lines for non-terminals, the rich bars for a terminal, and
why the rate and time left are the stage's average rather than rich's estimate."""

from __future__ import annotations

import io

from rich.console import Console

from newslake import progress as p


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_describe():
    assert p.describe("parse", 400, 2225, "files", 2.0) == "parse: 400 of 2,225 files, 200/s, 9 s left"
    assert p.describe("discover", 12, None, "files", 4.0) == "discover: 12 files, 3.0/s"  # no total: no time left
    assert p.describe("parse", 0, 10, "files", 0.0) == "parse: 0 of 10 files"
    assert p.describe("parse", 10, 10, "files", 5.0) == "parse: 10 of 10 files, 2.0/s"  # done: nothing left to say
    assert p.seconds_left(5, 3, 1.0) == 0.0 and p.rate(0, 3.0) is None and p.seconds_left(1, None, 1.0) is None


def test_lines_say_each_stage_every_few_seconds_and_once_at_its_end():
    out, clock = io.StringIO(), Clock()
    lines = p.Lines(out, every=5.0, clock=clock)
    lines.advance("parse", 3)  # not started: nothing to say
    lines.start("parse", 100, "files")
    clock.now += 1
    lines.advance("parse", 10)
    assert out.getvalue() == ""  # under five seconds since the start
    clock.now += 4
    lines.advance("parse", 15)
    clock.now += 1
    lines.advance("parse", 5)  # a second after the last line
    lines.note("checkpoint 1: published v000001")
    clock.now += 5
    lines.finish("parse")
    lines.finish("parse")
    lines.advance("parse", 1)  # finished: nothing to say
    assert out.getvalue().splitlines() == [
        "parse: 25 of 100 files, 5.0/s, 15 s left",
        "checkpoint 1: published v000001",
        "parse: 30 of 100 files, 2.7/s, 26 s left",
    ]


def test_lines_never_repeat_a_line_and_a_restarted_stage_counts_afresh():
    out, clock = io.StringIO(), Clock()
    lines = p.Lines(out, every=5.0, clock=clock)
    lines.start("backlog", 20, "articles")
    clock.now += 10
    lines.advance("backlog", 10)
    lines.finish("backlog")  # the count its last line gave
    lines.start("backlog", 20, "articles")  # a backfill's next chunk
    clock.now += 2
    lines.advance("backlog", 4)
    lines.finish("backlog")
    assert out.getvalue().splitlines() == ["backlog: 10 of 20 articles, 1.0/s, 10 s left", "backlog: 4 of 20 articles, 2.0/s, 8 s left"]


def _live(clock: Clock) -> tuple[p.Live, io.StringIO]:
    out = io.StringIO()
    return p.Live(Console(file=out, width=160, force_terminal=True, color_system=None), clock=clock), out


def _row(live: p.Live, stage: str) -> str:
    console = Console(width=160, color_system=None, file=io.StringIO())
    with console.capture() as captured:
        console.print(live.bars.make_tasks_table([live.task(stage)]))
    return captured.get()


def test_live_shows_time_left_after_the_first_chunk():
    """Progress arrives a chunk at a time; rich's own estimate has nothing until a second
    chunk, so its time-left column would say -:--:-- through a backfill's first checkpoint."""
    clock = Clock()
    live, _ = _live(clock)
    live.start("parse", 300, "files")
    clock.now += 10
    live.advance("parse", 100)
    task = live.task("parse")
    assert task.speed is None and task.time_remaining is None  # rich's estimate, after one chunk
    row = _row(live, "parse")
    assert "100/300" in row and "files" in row and "33%" in row and "10/s" in row and "0:00:10" in row and "0:00:20" in row


def test_live_keeps_one_row_per_stage_and_fills_it_when_the_stage_ends():
    clock = Clock()
    live, out = _live(clock)
    with live:
        live.start("discover", None, "files")
        clock.now += 2
        live.advance("discover", 7)
        live.finish("discover")
        live.note("checkpoint 1: published v000001")
        live.start("backlog", 10, "articles")
        live.finish("backlog")
        live.start("backlog", 10, "articles")  # a backfill's next chunk reuses its bar
        clock.now += 1
        live.advance("backlog", 5)
    assert [t.description for t in live.bars.tasks] == ["discover", "backlog"]
    discover = _row(live, "discover")
    assert "7/7" in discover and "100%" in discover and "3.5/s" in discover and "0:00:02" in discover
    assert "5/10" in _row(live, "backlog")
    assert "checkpoint 1: published v000001" in out.getvalue()


def test_use_installs_a_reporter_for_the_process():
    lines = p.Lines(io.StringIO())
    previous = p.use(lines)
    try:
        assert p.progress() is lines
    finally:
        p.use(previous)
    assert isinstance(p.progress(), p.Silent)
