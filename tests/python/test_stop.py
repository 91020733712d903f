"""Ctrl-C during respect_opt.schedule(): the solve stops and the call returns its best
schedule, marked stopped; Python's SIGINT handling is back afterwards; a second Ctrl-C
raises KeyboardInterrupt. Each case runs a python subprocess and sends it SIGINT."""
import json
import os
import signal
import subprocess
import sys
import time

from conftest import MODULE_DIR

# A 2,000-node layered DAG (networkx) that exact cannot prove within its 60 s
# limit: the child prints "solving" on stderr, then one JSON line with the
# result and a check of it made here, from the graph's own edges.
CHILD = r"""
import json, random, signal, sys, time
import networkx as nx
import respect_opt

# An interactive Python's handler. A child of a background job (`cmd &` in a
# script, as CI runners may start the suite) inherits SIGINT ignored, and
# Python then installs none: Ctrl-C would be ignored, as it should be there.
signal.signal(signal.SIGINT, signal.default_int_handler)
rng = random.Random(5)
g = nx.DiGraph()
levels = [[f"n{l}_{i}" for i in range(rng.randint(8, 20))] for l in range(130)]
for level in levels:
    for v in level:
        g.add_node(v, param_bytes=rng.randint(1, 400) * 4096, output_bytes=rng.randint(1, 64) * 1024)
for l in range(1, len(levels)):
    for v in levels[l]:
        for u in rng.sample(levels[l - 1], min(2, len(levels[l - 1]))):
            g.add_edge(u, v)
stages = 10
print("solving", file=sys.stderr, flush=True)
start = time.monotonic()
r = respect_opt.schedule(g, stages, solver__time_limit_s=60, solver__progress=False)
seconds = time.monotonic() - start
a = r.assignment
ok = len(a) == g.number_of_nodes() and all(0 <= s < stages for s in a.values()) \
    and all(a[u] <= a[v] for u, v in g.edges())
print(json.dumps({"stopped": r.stopped, "status": r.status, "objective": r.objective, "bound": r.bound,
                  "stats_stopped": r.stats.get("stopped"), "seconds": seconds, "assignment_ok": ok,
                  "python_handler_back": signal.getsignal(signal.SIGINT) is signal.default_int_handler}),
      flush=True)
time.sleep(float(sys.argv[1]))
print("survived", flush=True)
"""


def start_child(tmp_path, sleep_after=0.0):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = dict(os.environ, PYTHONPATH=str(MODULE_DIR))
    p = subprocess.Popen([sys.executable, str(script), str(sleep_after)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)
    line = p.stderr.readline()  # "solving": the graph is built, the call begins
    assert line.strip() == "solving", line + p.stderr.read()
    return p


def test_ctrl_c_returns_the_best_schedule_marked_stopped(tmp_path):
    p = start_child(tmp_path)
    time.sleep(2.0)
    sent = time.monotonic()
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    after = time.monotonic() - sent
    assert p.returncode == 0, err
    r = json.loads(out.splitlines()[0])
    assert r["stopped"] is True, r
    assert r["stats_stopped"] == 1, r
    assert r["status"] == "feasible", r  # not proven within 2 s
    assert r["assignment_ok"], r
    assert r["objective"] is not None and r["bound"] is not None and r["bound"] <= r["objective"], r
    assert r["python_handler_back"], r
    assert r["seconds"] < 30, r  # sanity: stopped, not run to the 60 s limit
    assert after < 30, after
    assert "survived" in out


def test_a_second_ctrl_c_raises_keyboard_interrupt(tmp_path):
    p = start_child(tmp_path, sleep_after=20.0)
    time.sleep(2.0)
    p.send_signal(signal.SIGINT)
    time.sleep(0.05)  # two signals of a kind sent at once may merge into one
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=60)
    assert p.returncode != 0, out
    assert "KeyboardInterrupt" in err, err
    assert "survived" not in out


def test_ctrl_c_at_any_moment_of_the_call_ends_it_at_once(tmp_path):
    # Early signals land while the graph is converted (KeyboardInterrupt) or
    # just before our handler is installed: Python has only noted those, and
    # the call must raise them then, not after its 60 s limit.
    for delay in [0.005 * i for i in range(13)]:
        p = start_child(tmp_path)
        time.sleep(delay)
        sent = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        after = time.monotonic() - sent
        assert after < 20, (delay, after, out, err[-300:])
        if p.returncode == 0:
            assert json.loads(out.splitlines()[0])["stopped"] is True, (delay, out)
        else:
            assert "KeyboardInterrupt" in err, (delay, err[-300:])
