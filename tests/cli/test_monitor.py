"""test_monitor.py - the monitoring panels of `salespm dashboard P` (analytics/monitor.c):
activity volume per member and ISO week by phase, open problems by age and SLA state,
collections due and overdue with what is outstanding, tasks overdue per assignee; the goals'
projection, chance and coverage beside their progress; and `--watch`, which draws the
dashboard again when the data moves.

Today is fixed with SALESPM_TODAY (a Wednesday) and the clock with SALESPM_NOW. The fixture's
records are listed here once, as data; every expected figure is worked out from that data by
the test's own Python (ISO weeks from datetime.isocalendar, ages and SLA shares with exact
fractions), never read back from the code under test. Every figure's drill-down ("query") is
then run as a list command, and the number of records listed must equal the figure.
"""
import contextlib
import json
import os
import pty
import select
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from harness import *  # noqa: E402,F401,F403
from harness import BIN  # noqa: E402
from monitor_fixture import AT, LISTS, TODAY, check_panels, fill, iso, team  # noqa: E402


def lister(ws):
    """count(noun, query): how many records `NOUN list P1` gives with a figure's filters."""
    def count(noun, query):
        args = [noun, "list", "P1", "--limit", "500"]
        for k, v in query.items():
            args += ["--" + k.replace("_", "-"), {"true": "yes", "false": "no"}.get(v, v)]
        return len(ws.js(*args)[LISTS[noun]])
    return count


@test
def every_figure_equals_the_hand_count_and_drills_down_to_its_records():
    ws = Workspace()
    team(ws)
    fill(ws)
    d = ws.js("dashboard", "P1")
    eq((d["monitor"]["project"], d["monitor"]["as_of"], d["monitor"]["at"]),
       ("P1", TODAY.isoformat(), iso(AT)), "as of today, problems judged now")
    check_panels(lister(ws), d["monitor"])
    # a member and a viewer see the same panels as the manager
    for who in ("wang.fang", "gao"):
        eq(ws.js("dashboard", "P1", as_=who)["monitor"], d["monitor"], f"as {who}")
    r = ws.run("dashboard", "P1", as_="out")
    eq(r.code != 0 and "P1" in r.err, True, "someone off the project does not see it")


@test
def the_text_dashboard_prints_the_four_panels():
    ws = Workspace()
    team(ws)
    fill(ws)
    out = ws.ok("dashboard", "P1").out
    for title in ("ACTIVITY", "PROBLEMS (open: 8)", "COLLECTIONS", "TASKS"):
        assert "\n" + title in out, f"section {title} in:\n{out}"
    lines = out.splitlines()
    week = next(x for x in lines if x.strip().startswith("2026-W25 2026-06-15"))
    eq(week.split()[2:6], ["2", "1", "0", "3"], "this week's row: pre, in, after, total")
    member = next(x for x in lines if x.strip().startswith("wang.fang") and len(x.split()) == 5)
    eq(member.split()[1:], ["3", "1", "1", "5"], "wang.fang's totals")
    age = next(x for x in lines if x.strip().startswith("3-7 "))
    eq(age.split()[1:], ["1", "1", "2", "4"], "3-7 days: within, due soon, breached, total")
    overdue = next(x for x in lines if x.strip().startswith("overdue ") and "CNY" in x)
    # 350.00 + 700.00 + 800.00 + 900.00 + 1,000.00
    eq(overdue.split()[1:], ["5", "3,750.00", "CNY"], "collections overdue")
    eq(any(x.strip() == "overdue 3   due this week (to 2026-06-21) 2" for x in lines), True,
       "tasks overdue and due this week")
    zhao = next(x for x in lines if x.strip().startswith("zhao.lei") and "days late" in x)
    assert "(due 2026-05-20, 28 days late)" in zhao, zhao


@test
def the_goals_show_their_projection_chance_and_coverage():
    ws = Workspace()
    team(ws)
    ws.ok("goal", "add", "P1", "--metric", "revenue", "--target", "1000.00", "--start",
          "2026-01-01", "--due", "2026-12-31")
    d = ws.js("dashboard", "P1")
    f = d["forecast"]["goals"][0]
    out = ws.ok("dashboard", "P1").out
    line = next(x for x in out.splitlines() if x.strip().startswith("projection"))
    # the chance as the forecast gives it, to one decimal (the CLI's percent)
    if f["probability"] is not None:
        assert "chance %.1f%%" % (f["probability"] * 100) in line, (line, f["probability"])
    else:
        assert "chance -" in line, line


class Frames:
    """The frames `dashboard --watch` writes to a pipe (each after a "--- as of" line)."""

    def __init__(self, proc):
        self.proc, self.buf = proc, b""

    def wait(self, want, timeout):
        """The frames once want of them are complete (the last has its TASKS section
        through to its last line), or fail after timeout seconds."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            frames = self.buf.decode(errors="replace").split("--- as of ")[1:]
            if len(frames) > want or (len(frames) == want and "\nTASKS\n" in frames[-1] and
                                      frames[-1].endswith("\n") and self.quiet()):
                return frames
            r, _, _ = select.select([self.proc.stdout], [], [], 0.1)
            if r:
                chunk = os.read(self.proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                self.buf += chunk
        raise AssertionError(f"no {want} frames in {timeout}s:\n{self.buf.decode()[-2000:]}")

    def quiet(self):
        """Nothing more to read for a moment: the frame was flushed whole."""
        r, _, _ = select.select([self.proc.stdout], [], [], 0.2)
        return not r


def revenue_line(frame):
    return next(x for x in frame.splitlines() if x.startswith("revenue "))


@contextlib.contextmanager
def watching(ws, seconds, as_json=False):
    """`dashboard P1 --watch SECONDS` running in a process of its own; killed if left running."""
    argv = [BIN, "--db", ws.db] + (["--json"] if as_json else []) + ["dashboard", "P1", "--watch",
                                                                    str(seconds)]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ws.env)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@test
def watch_draws_again_when_a_sale_is_recorded_and_exits_cleanly_on_sigint():
    ws = Workspace()
    team(ws)
    with watching(ws, 30) as proc:
        out = Frames(proc)
        first = out.wait(1, 20)[0]
        eq(revenue_line(first).split()[1], "100.00", "one sale of 100.00")
        # another process records a sale: the next frame comes long before 30 s
        t0 = time.time()
        ws.ok("sale", "add", "P1", "--date", "2026-06-16", "--customer", "Beta", "--product",
              "SKU-1", "--channel", "direct", "--quantity", "2", "--rep", "wang.fang")
        # (on PostgreSQL a frame may come first while its LISTEN connection starts)
        n, frames = 2, out.wait(2, 15)
        while revenue_line(frames[-1]).split()[1] == "100.00" and time.time() - t0 < 15:
            n += 1
            frames = out.wait(n, 15 - (time.time() - t0))
        assert time.time() - t0 < 15, "redrawn on the write, not on the 30 s timer"
        eq(revenue_line(frames[-1]).split()[1], "300.00", "the next frame has the new sale")
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=10)
        eq(proc.returncode, 0, f"SIGINT ends it cleanly: {err.decode()[-2000:]}")
        assert "Sanitizer" not in err.decode() and "runtime error" not in err.decode(), err


@test
def watch_with_an_interval_redraws_on_the_timer():
    ws = Workspace()
    team(ws)
    with watching(ws, 1) as proc:
        frames = Frames(proc).wait(3, 20)
        eq(revenue_line(frames[2]), revenue_line(frames[0]), "the same data, drawn again")
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=10)
        eq(proc.returncode, 0, "SIGINT: status 0")


@test
def watch_with_json_writes_one_document_a_line():
    ws = Workspace()
    team(ws)
    with watching(ws, 1, as_json=True) as proc:
        time.sleep(2.5)
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=10)
        eq(proc.returncode, 0, "SIGINT: status 0")
    docs = [json.loads(line) for line in out.decode().splitlines()]
    assert len(docs) >= 2, f"frames: {len(docs)}"
    for d in docs:
        eq((d["project"]["code"] if isinstance(d["project"], dict) else d["project"],
            d["monitor"]["project"], d["monitor"]["as_of"]), ("P1", "P1", TODAY.isoformat()),
           "each line a whole dashboard with its panels")


@test
def on_a_terminal_watch_clears_the_screen_for_each_frame():
    ws = Workspace()
    team(ws)
    main, sub = pty.openpty()
    argv = [BIN, "--db", ws.db, "dashboard", "P1", "--watch", "1"]
    proc = subprocess.Popen(argv, stdout=sub, stderr=subprocess.PIPE, env=ws.env)
    os.close(sub)
    got, deadline = b"", time.time() + 20
    try:
        while got.count(b"\x1b[H\x1b[2J") < 2 and time.time() < deadline:
            r, _, _ = select.select([main], [], [], 0.2)
            if r:
                got += os.read(main, 65536)
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(main)
    eq(got.count(b"\x1b[H\x1b[2J") >= 2, True, "home and clear before each frame")
    eq(b"--- as of" in got, False, "no separator lines on a terminal")
    eq(proc.returncode, 0, "SIGINT: status 0")


@test
def a_bad_watch_interval_is_refused_naming_it():
    ws = Workspace()
    team(ws)
    for bad in ("0", "86401", "soon"):
        r = ws.run("dashboard", "P1", "--watch", bad, json_out=True)
        eq(r.code, 65, f"--watch {bad}: bad data")
        eq(json.loads(r.err.strip().splitlines()[-1])["error"]["field"], "watch", bad)
    r = ws.run("dashboard", "P1", "5")
    eq(r.code, 2, "a second argument without --watch is a usage error")


if __name__ == "__main__":
    run_all()
