"""scripts/plot_schedule.py without matplotlib: the graph picture comes from
Graphviz alone, the bars are skipped with a line saying so; with neither tool
it fails with a message. matplotlib is hidden by a package of that name that
refuses to import, placed first on PYTHONPATH (the real one may be installed)."""
import json
import os
import shutil
import subprocess
import sys

import pytest

from conftest import SOURCE_DIR

SCRIPT = SOURCE_DIR / "scripts" / "plot_schedule.py"


def write_schedule(tmp_path):
    stem = tmp_path / "g.2.exact"
    doc = {"graph": "g", "stages": 2, "method": "exact", "stage_param_bytes": [4000, 9000],
           "crossing_bytes": [10], "assignment": []}
    (tmp_path / "g.2.exact.schedule.json").write_text(json.dumps(doc))
    (tmp_path / "g.2.exact.dot").write_text(
        "digraph g { rankdir=LR; subgraph cluster_0 { a; } subgraph cluster_1 { b; } a -> b [color=red]; }\n")
    return stem


def run_without_matplotlib(tmp_path, stem, path_dirs):
    blocker = tmp_path / "blocker" / "matplotlib"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('matplotlib hidden by the test')\n")
    env = dict(os.environ, PYTHONPATH=str(blocker.parent), RESPECT_PLOT_REEXEC="1",
               PATH=os.pathsep.join(path_dirs))
    return subprocess.run([sys.executable, str(SCRIPT), f"{stem}.schedule.json"], env=env,
                          capture_output=True, text=True, timeout=120)


def test_graph_without_matplotlib(tmp_path):
    dot = shutil.which("dot")
    if not dot:
        pytest.skip("Graphviz `dot` is not installed")
    stem = write_schedule(tmp_path)
    p = run_without_matplotlib(tmp_path, stem, [os.path.dirname(dot)])
    assert p.returncode == 0, p.stdout + p.stderr
    assert f"wrote {stem}.graph.svg" in p.stdout
    assert "matplotlib not found" in p.stdout and "skipped the per-stage bars" in p.stdout
    assert (tmp_path / "g.2.exact.graph.svg").read_text().lstrip().startswith("<?xml")
    assert not (tmp_path / "g.2.exact.stages.svg").exists()


def test_neither_graphviz_nor_matplotlib_fails_with_a_message(tmp_path):
    stem = write_schedule(tmp_path)
    empty = tmp_path / "empty_path"
    empty.mkdir()
    p = run_without_matplotlib(tmp_path, stem, [str(empty)])
    assert p.returncode != 0
    assert "graphviz `dot` not found" in p.stdout
    assert "drew nothing" in p.stderr
    assert not (tmp_path / "g.2.exact.graph.svg").exists()
