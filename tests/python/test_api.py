"""The Python API (python/README.md) against the CLI: same objectives, same
schedule JSON, same error lines."""
import json
import os
import subprocess
import threading
import time

import networkx as nx
import pytest

import respect_opt
from conftest import SOURCE_DIR

TINY_TFLITE = SOURCE_DIR / "tests/data/tflite/tiny_int8.tflite"
QUIET = {"solver__progress": False}


def without_times(doc):
    """A schedule JSON without what varies from run to run (seconds)."""
    doc = dict(doc)
    doc.pop("solve_seconds")
    doc["stats"] = {k: v for k, v in doc.get("stats", {}).items() if not k.endswith("seconds")}
    return doc


def cli_schedule(cli, tmp_path, model, stages, method="exact", *extra):
    out = tmp_path / "cli"
    p = cli("--model", model, "--stages", stages, "--methods", method, "--output.dir", out,
            "--solver.progress", "false", *extra)
    assert p.returncode == 0, p.stderr
    files = list(out.glob(f"*.{stages}.{method}.schedule.json"))
    assert len(files) == 1, files
    return json.loads(files[0].read_text())


# ------------------------------------------------------------ round trip CLI <-> API

@pytest.mark.parametrize("model,stages", [("zoo:resnet50", 4), ("zoo:mobilenetv2", 5), ("zoo:vgg16", 6)])
def test_zoo_round_trip(cli, tmp_path, model, stages):
    want = cli_schedule(cli, tmp_path, model, stages)
    r = respect_opt.schedule(model, stages, **QUIET)
    assert r.status == want["status"] == "optimal"
    assert r.objective == want["objective"]
    assert r.bound == want["bound"]
    assert r.stage_param_bytes == want["stage_param_bytes"]
    assert r.crossing_bytes == want["crossing_bytes"]
    assert r.assignment == {a["name"]: a["stage"] for a in want["assignment"]}
    assert r.assignment_by_id == {a["id"]: a["stage"] for a in want["assignment"]}
    assert without_times(json.loads(r.to_json())) == without_times(want)
    assert r.seconds >= 0 and r.method == "exact" and r.stages == stages


def test_output_dir_writes_what_the_cli_writes(cli, tmp_path):
    want = cli_schedule(cli, tmp_path, "zoo:resnet50", 4)
    out = tmp_path / "api"
    r = respect_opt.schedule("zoo:resnet50", 4, output__dir=str(out), **QUIET)
    written = json.loads((out / "resnet50.4.exact.schedule.json").read_text())
    assert without_times(written) == without_times(want)
    assert (out / "resnet50.4.exact.dot").read_text() == (tmp_path / "cli/resnet50.4.exact.dot").read_text()
    assert written["objective"] == r.objective


def test_writes_nothing_without_output_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    respect_opt.schedule("zoo:resnet50", 4, method="heuristic")
    respect_opt.compare("zoo:resnet50", 4, methods=["heuristic"])
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("method", ["heuristic", "dp_topo", "list", "rl", "two_phase"])
def test_other_methods_match_the_cli(cli, tmp_path, method):
    want = cli_schedule(cli, tmp_path, "zoo:resnet50", 4, method, "--solver.time_limit_s", "5")
    r = respect_opt.schedule("zoo:resnet50", 4, method=method, solver__time_limit_s=5, **QUIET)
    assert r.objective == want["objective"]
    assert r.stage_param_bytes == want["stage_param_bytes"]


def test_config_keys(tmp_path):
    base = respect_opt.schedule("zoo:resnet50", 4, **QUIET)
    # '__' for '.', or the dotted key itself through **{...}
    edge = respect_opt.schedule("zoo:resnet50", 4, objective__comm_model="edge", **QUIET)
    dotted = respect_opt.schedule("zoo:resnet50", 4, **{"objective.comm_model": "edge"}, **QUIET)
    assert edge.objective == dotted.objective
    assert json.loads(edge.to_json())["comm_model"] == "edge"
    assert json.loads(base.to_json())["comm_model"] == "tensor"
    capped = respect_opt.schedule("zoo:resnet50", 4, constraints__max_stage_param_bytes=26_000_000, **QUIET)
    assert max(capped.stage_param_bytes) <= 26_000_000
    # Activation peaks per stage: the result, its JSON, and the cap.
    assert base.stage_activation_bytes == json.loads(base.to_json())["stage_activation_bytes"]
    assert "act MiB" in base.table()
    act = respect_opt.schedule("zoo:xception", 4, constraints__max_stage_activation_bytes=23_000_000, **QUIET)
    assert act.status == "optimal"
    assert max(act.stage_activation_bytes) <= 23_000_000


def test_pins(cli, tmp_path):
    free = respect_opt.schedule("zoo:resnet50", 4, **QUIET)
    # The first node of stage 2 (zoo nodes are in topological order, so its
    # ancestors all sit in stages 0..1): pinned to stage 1, the cut moves.
    name = next(n for n, s in free.assignment.items() if s == 2)
    pinned = respect_opt.schedule("zoo:resnet50", 4, constraints__pin={name: 1}, **QUIET)
    assert pinned.status == "optimal"
    assert pinned.assignment[name] == 1
    assert pinned.objective > free.objective
    # The same pin from the CLI gives the same objective.
    doc = cli_schedule(cli, tmp_path, "zoo:resnet50", 4, "exact", "--constraints.pin", json.dumps({name: 1}))
    assert doc["objective"] == pinned.objective
    # Pinning a node where the optimum has it changes nothing.
    same = respect_opt.schedule("zoo:resnet50", 4, constraints__pin={name: 2}, **QUIET)
    assert same.objective == free.objective
    for method in ("heuristic", "dp_topo", "rl", "two_phase"):
        r = respect_opt.schedule("zoo:resnet50", 4, method=method, constraints__pin={name: 1}, **QUIET)
        assert r.assignment[name] == 1, method


@pytest.mark.parametrize("pin,expect", [
    ({"conv1_cnv": 0}, "did you mean 'conv1_conv'"),
    ({"conv1_conv": 4}, "stage 4 is outside 0..3"),
    ({"conv1_conv": 3, "sink": 0}, "is an ancestor of"),
])
def test_impossible_pins_are_the_cli_line(cli_error_line, pin, expect):
    line = cli_error_line("--model", "zoo:resnet50", "--methods", "exact", "--constraints.pin", json.dumps(pin))
    assert expect in line
    with pytest.raises(ValueError) as e:
        respect_opt.schedule("zoo:resnet50", 4, constraints__pin=pin)
    assert str(e.value) == line


def test_integers_past_int64(cli, tmp_path):
    seed = 17 * 10**18  # synthetic.seed is a uint64
    want = cli_schedule(cli, tmp_path, "synthetic", 3, "heuristic", "--synthetic.seed", seed)
    r = respect_opt.schedule("synthetic", 3, method="heuristic", synthetic__seed=seed)
    assert r.graph == want["graph"] == f"synthetic_n30_s{seed}"
    assert r.objective == want["objective"]


def test_result_is_a_schedule():
    r = respect_opt.schedule("zoo:inception_v3", 5, **QUIET)
    doc = json.loads(r.to_json())
    stage = {a["id"]: a["stage"] for a in doc["assignment"]}
    assert set(stage.values()) == set(range(5))
    assert len(r.stage_param_bytes) == 5 and len(r.crossing_bytes) == 4
    assert "inception_v3 on 5 stages" in repr(r)
    assert "objective" in r.table()


# ------------------------------------------------------------ networkx

def chain_graph(name="chain"):
    g = nx.DiGraph(name=name)
    sizes = [0, 4000, 1000, 9000, 2000, 7000, 3000, 0]
    for i, p in enumerate(sizes):
        g.add_node(f"n{i}", param_bytes=p, output_bytes=100 * (i + 1), op="Dense")
    for i in range(len(sizes) - 1):
        g.add_edge(f"n{i}", f"n{i + 1}")
    g.add_edge("n1", "n4")  # a skip connection
    return g


def test_networkx_matches_graph_json(cli, tmp_path):
    g = chain_graph()
    r = respect_opt.schedule(g, 3, **QUIET)
    assert r.graph == "chain" and r.status == "optimal"
    assert set(r.assignment) == set(g.nodes)
    for u, v in g.edges:
        assert r.assignment[u] <= r.assignment[v]
    # The same graph as a graph JSON file through the CLI.
    doc = {"name": "chain",
           "nodes": [{"id": n, **{k: d[k] for k in ("param_bytes", "output_bytes", "op")}} for n, d in g.nodes(data=True)],
           "edges": [{"src": u, "dst": v} for u, v in g.edges]}
    path = tmp_path / "chain.json"
    path.write_text(json.dumps(doc))
    want = cli_schedule(cli, tmp_path, path, 3)
    assert r.objective == want["objective"]
    assert r.assignment == {a["name"]: a["stage"] for a in want["assignment"]}


def test_networkx_gml_style_matches_gml_file(cli, tmp_path):
    # GML as the ICML'24 benchmark has it: node `parameter`, edge `parameter`.
    g = nx.DiGraph()
    for i in range(10):
        g.add_node(i, label=f"op{i}", parameter=1000 * (1 + i % 4))
    for i in range(9):
        g.add_edge(i, i + 1, parameter=10 * (i + 1))
    g.add_edge(0, 5, parameter=7)
    path = tmp_path / "g.gml"
    nx.write_gml(g, path)
    for comm in ("tensor", "edge"):
        want = cli_schedule(cli, tmp_path / comm, path, 4, "exact", "--objective.comm_model", comm)
        r = respect_opt.schedule(g, 4, objective__comm_model=comm, **QUIET)
        assert r.objective == want["objective"], comm
        assert r.assignment_by_id == {a["id"]: a["stage"] for a in want["assignment"]}
        assert set(r.assignment) == {f"op{i}" for i in range(10)}


def test_networkx_errors():
    with pytest.raises(ValueError, match="undirected; give a networkx.DiGraph"):
        respect_opt.schedule(nx.path_graph(4), 2)
    g = chain_graph()
    del g.nodes["n3"]["param_bytes"]
    with pytest.raises(ValueError, match="node 'n3' has no 'param_bytes'"):
        respect_opt.schedule(g, 2)
    g = chain_graph()
    g.add_edge("n5", "n2")
    with pytest.raises(ValueError, match="has a cycle"):
        respect_opt.schedule(g, 2)
    g = chain_graph()
    g.nodes["n2"]["param_bytes"] = -5
    with pytest.raises(ValueError, match="negative"):
        respect_opt.schedule(g, 2)


# ------------------------------------------------------------ errors: the CLI's lines

def test_unknown_key_is_the_cli_line(cli_error_line):
    line = cli_error_line("--model", "zoo:resnet50", "--set", "solver.time_limt_s=5")
    assert "did you mean 'solver.time_limit_s'" in line
    with pytest.raises(ValueError) as e:
        respect_opt.schedule("zoo:resnet50", 4, solver__time_limt_s=5)
    assert str(e.value) == line


@pytest.mark.parametrize("args,kwargs", [
    (["--set", "stages=0"], {"stages": 0}),
    (["--set", "solver.time_limit_s=-1"], {"solver__time_limit_s": -1}),
    (["--set", "solver.engine=magic"], {"solver__engine": "magic"}),
    (["--set", "methods=magic"], {"method": "magic"}),
])
def test_bad_values_are_the_cli_lines(cli_error_line, args, kwargs):
    line = cli_error_line("--model", "zoo:resnet50", *args)
    call = {"stages": 4, **kwargs}
    with pytest.raises(ValueError) as e:
        respect_opt.schedule("zoo:resnet50", **call)
    assert str(e.value) == line


@pytest.mark.parametrize("model", ["zoo:nope", "missing.json", "graph.txt", "empty.json"])
def test_bad_models_are_the_cli_lines(cli_error_line, tmp_path, monkeypatch, model):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.json").write_text("{}")
    line = cli_error_line("--model", model, "--methods", "exact")
    with pytest.raises(ValueError) as e:
        respect_opt.schedule(model, 4)
    assert str(e.value) == line


def test_infeasible_is_the_cli_line(cli_error_line):
    line = cli_error_line("--model", "zoo:resnet50", "--methods", "exact",
                          "--constraints.max_stage_param_bytes", "1000")
    with pytest.raises(ValueError) as e:
        respect_opt.schedule("zoo:resnet50", 4, constraints__max_stage_param_bytes=1000)
    assert str(e.value) == line


def test_impossible_activation_cap_is_the_cli_line(cli_error_line):
    line = cli_error_line("--model", "zoo:resnet50", "--methods", "exact",
                          "--constraints.max_stage_activation_bytes", "1000")
    assert "max_stage_activation_bytes 1000 is below node" in line
    with pytest.raises(ValueError) as e:
        respect_opt.schedule("zoo:resnet50", 4, constraints__max_stage_activation_bytes=1000)
    assert str(e.value) == line


def test_argument_errors():
    with pytest.raises(ValueError, match="is set by an argument"):
        respect_opt.schedule("zoo:resnet50", 4, methods=["exact"])
    with pytest.raises(ValueError, match="not a model"):
        respect_opt.schedule(42, 4)
    with pytest.raises(ValueError, match="not a config value"):
        respect_opt.schedule("zoo:resnet50", 4, solver__time_limit_s=object())
    with pytest.raises(ValueError, match="takes one stage count"):
        respect_opt.schedule("zoo:resnet50", [4, 5])


# ------------------------------------------------------------ compare

def test_compare_rows_match_the_cli(cli, tmp_path):
    out = tmp_path / "cli"
    p = cli("--task", "compare", "--model", "[zoo:resnet50,zoo:mobilenetv2]", "--stages", "[4,5]",
            "--methods", "[heuristic,exact]", "--output.dir", out, "--solver.progress", "false")
    assert p.returncode == 0, p.stderr
    want = json.loads((out / "compare.json").read_text())
    rows = respect_opt.compare(["zoo:resnet50", "zoo:mobilenetv2"], [4, 5], methods=["heuristic", "exact"], **QUIET)
    assert len(rows) == len(want) == 8
    for got, w in zip(rows, want):
        for key in ("graph", "nodes", "stages", "method", "status", "objective", "bound", "gap_to_best",
                    "stage_param_bytes", "crossing_bytes"):
            assert got[key] == w[key], key
    exact = [r for r in rows if r["method"] == "exact" and r["graph"] == "resnet50" and r["stages"] == 4]
    assert exact[0]["objective"] == respect_opt.schedule("zoo:resnet50", 4, **QUIET).objective


def test_compare_networkx_and_files(tmp_path):
    rows = respect_opt.compare(chain_graph(), 3, methods="exact", output__dir=str(tmp_path))
    assert [r["graph"] for r in rows] == ["chain"]
    assert (tmp_path / "compare.csv").exists() and (tmp_path / "compare.json").exists()
    assert (tmp_path / "chain.3.exact.schedule.json").exists()


# ------------------------------------------------------------ deploy

def test_deploy_returns_the_manifest(tmp_path):
    m = respect_opt.deploy(str(TINY_TFLITE), 2, tmp_path / "out")
    seg = tmp_path / "out/segments"
    assert m["stages"] == 2 and m["schedule"] == "method exact"
    assert [s["file"] for s in m["segments"]] == ["tiny_int8_segment_0_of_2.tflite", "tiny_int8_segment_1_of_2.tflite"]
    for s in m["segments"]:
        assert (seg / s["file"]).stat().st_size == s["file_bytes"]
    r = respect_opt.schedule(str(TINY_TFLITE), 2, **QUIET)
    assert m["objective"]["value"] == r.objective


def test_deploy_refuses_other_models(tmp_path, cli_error_line):
    line = cli_error_line("--task", "deploy", "--model", "zoo:resnet50", "--output.dir", tmp_path / "cli")
    with pytest.raises(ValueError) as e:
        respect_opt.deploy("zoo:resnet50", 2, tmp_path / "out")
    assert str(e.value) == line
    with pytest.raises(ValueError, match=r"must be a \.tflite file, got a networkx graph"):
        respect_opt.deploy(chain_graph(), 2, tmp_path / "out")
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------ GIL, import

def test_gil_is_released_during_a_solve():
    done = {}

    def solve():  # a 1,000-node graph exact cannot prove: runs to its limit
        done["r"] = respect_opt.schedule("synthetic", 10, synthetic__nodes=1000, solver__time_limit_s=1.5, **QUIET)

    t = threading.Thread(target=solve)
    start = time.monotonic()
    t.start()
    ticks = 0
    while t.is_alive():
        ticks += 1
        time.sleep(0.01)
    t.join()
    assert time.monotonic() - start >= 1.0
    assert ticks >= 50  # the main thread kept running python code
    assert done["r"].status in ("feasible", "optimal")


def test_solves_in_threads_match_sequential_ones():
    cases = [("zoo:resnet50", 4, "exact"), ("zoo:vgg16", 5, "exact"), ("zoo:mobilenetv2", 6, "two_phase"),
             ("zoo:inception_v3", 4, "dp_topo")]
    want = [respect_opt.schedule(m, k, method=meth, solver__time_limit_s=10, **QUIET).objective
            for m, k, meth in cases]
    got = [None] * len(cases)

    def solve(i):
        m, k, meth = cases[i]
        got[i] = respect_opt.schedule(m, k, method=meth, solver__time_limit_s=10, **QUIET).objective

    threads = [threading.Thread(target=solve, args=(i,)) for i in range(len(cases))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == want


def test_import_from_any_directory(tmp_path):
    # scripts/build.sh writes respect_opt.pth into the system python's site-packages.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    p = subprocess.run(["/usr/bin/python3", "-c", "import respect_opt; print(respect_opt.__file__)"],
                       cwd=tmp_path, env=env, capture_output=True, text=True)
    assert p.returncode == 0, p.stderr + "(scripts/build.sh writes respect_opt.pth; was the build made by it?)"
