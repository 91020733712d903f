"""The Python API's label, train, calibrate and devices (python/README.md)
against the CLI's tasks: the same labels, weights, curve, fitted constants
and fragment, the same device list, the same error lines, the same resume,
and inputs never overwritten."""
import re
import shutil
import warnings

import pytest

import respect_opt

QUIET = {"solver__progress": False}
# A small label run: 10-node graphs on 2-3 stages, one worker (order of the
# records then does not matter either: read_labels sorts by index).
LABEL_KEYS = {"count": 4, "nodes": 10, "stages_min": 2, "stages_max": 3, "workers": 1, "seed": 3}
# A short, deterministic training run (one thread) whose held-out score
# improves at epoch 1, so the weights written are trained ones.
TRAIN_KEYS = {"epochs": 3, "holdout": 4, "hidden": 8, "batch_size": 2, "rollouts": 4, "learning_rate": 0.01, "seed": 1}


def cli_keys(section, keys):
    args = []
    for k, v in keys.items():
        args += [f"--{section}.{k}", str(v).lower() if isinstance(v, bool) else str(v)]
    return args


def api_keys(section, keys):
    return {f"{section}__{k}": v for k, v in keys.items()}


def without_seconds(labels):
    return [{k: v for k, v in label.items() if k != "solve_seconds"} for label in labels]


def cli_label(cli, dataset, **extra):
    keys = {**LABEL_KEYS, **extra}
    p = cli("--task", "label", "--label.dataset", dataset, *cli_keys("label", keys), "--output.dir", dataset.parent)
    assert p.returncode == 0, p.stderr
    return p


@pytest.fixture(scope="module")
def labels(tmp_path_factory):
    """A 10-label dataset of 30-node graphs made by the CLI, for training."""
    from conftest import run_cli
    path = tmp_path_factory.mktemp("labels") / "labels.bin"
    cli_label(run_cli, path, count=10, nodes=30, stages_max=4)
    return path


# ------------------------------------------------------------ label

def test_label_round_trip(cli, tmp_path, capsys):
    cli_label(cli, tmp_path / "cli.bin")
    got = respect_opt.label(tmp_path / "api.bin", **api_keys("label", LABEL_KEYS), **QUIET)
    assert got["dataset"] == str(tmp_path / "api.bin")
    assert (got["labels"], got["existing"], got["written"]) == (4, 0, 4)
    assert got["not_optimal"] == 0 and got["seconds"] >= 0
    assert f"label dataset {tmp_path / 'api.bin'}: 4 labels (0 existing, 4 written now" in capsys.readouterr().out
    want = respect_opt.read_labels(tmp_path / "cli.bin")
    have = respect_opt.read_labels(tmp_path / "api.bin")
    assert [l["index"] for l in have] == [0, 1, 2, 3]
    assert all(l["optimal"] and l["objective"] == l["bound"] for l in have)
    assert without_seconds(have) == without_seconds(want)
    assert len(have[0]["stage"]) == len(have[0]["graph"]["nodes"]) == 10


def test_label_resume_continues_the_cli_dataset(cli, tmp_path):
    whole = tmp_path / "whole.bin"
    cli_label(cli, whole)
    part = tmp_path / "part.bin"
    cli_label(cli, part, count=2)  # an interrupted CLI run, continued by the API
    got = respect_opt.label(part, **api_keys("label", {**LABEL_KEYS, "resume": True}), **QUIET)
    assert (got["labels"], got["existing"], got["written"]) == (4, 2, 2)
    assert without_seconds(respect_opt.read_labels(part)) == without_seconds(respect_opt.read_labels(whole))


def test_label_errors_are_the_cli_lines(cli, cli_error_line, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cli_label(cli, tmp_path / "d.bin", count=1)
    before = (tmp_path / "d.bin").read_bytes()
    # An existing dataset without resume.
    want = cli_error_line("--task", "label", "--label.dataset", "d.bin", "--label.count", "2")
    with pytest.raises(ValueError) as e:
        respect_opt.label("d.bin", label__count=2, **QUIET)
    assert str(e.value) == want
    # The dataset naming an input (the run's model).
    (tmp_path / "g.json").write_text('{"nodes": [{"id": 0, "param_bytes": 1}], "edges": []}')
    want = cli_error_line("--task", "label", "--model", "g.json", "--label.dataset", "g.json")
    with pytest.raises(ValueError) as e:
        respect_opt.label("g.json", model="g.json", **QUIET)
    assert str(e.value) == want and "refusing to overwrite input file" in want
    with pytest.raises(ValueError, match="set by an argument of respect_opt.label"):
        respect_opt.label("x.bin", label__dataset="y.bin")
    assert (tmp_path / "d.bin").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.bin", "g.json"]


# ------------------------------------------------------------ train

def cli_train(cli, dataset, out, **extra):
    keys = {**TRAIN_KEYS, **extra}
    p = cli("--task", "train", "--train.dataset", dataset, "--train.checkpoint_dir", out, *cli_keys("train", keys),
            "--output.dir", out.parent)
    assert p.returncode == 0, p.stderr
    return p


def curve_lines(path):
    """curve.csv's lines without the seconds column (wall time)."""
    return [",".join(f for i, f in enumerate(line.split(",")) if i != 5) for line in path.read_text().splitlines()]


def test_train_round_trip(cli, tmp_path, labels, capsys):
    p = cli_train(cli, labels, tmp_path / "cli")
    got = respect_opt.train(labels, tmp_path / "api", **api_keys("train", TRAIN_KEYS), **QUIET)
    assert got["weights"] == str(tmp_path / "api" / "policy.rspw")
    assert got["curve_path"] == str(tmp_path / "api" / "curve.csv")
    assert (got["train_examples"], got["holdout_examples"], got["epochs"]) == (6, 4, 3)
    assert got["reward"] == "cost" and not got["generated"]
    assert (tmp_path / "api" / "policy.rspw").read_bytes() == (tmp_path / "cli" / "policy.rspw").read_bytes()
    assert [r["epoch"] for r in got["curve"]] == [0, 1, 2, 3]
    assert [r["phase"] for r in got["curve"]] == ["init", "reinforce", "reinforce", "reinforce"]
    # Trained: the best held-out score is above the initial network's.
    assert got["best_holdout"] == max(r["holdout_reward"] for r in got["curve"]) > got["curve"][0]["holdout_reward"]
    assert all(r["grad_norm"] > 0 for r in got["curve"][1:])
    assert curve_lines(tmp_path / "api" / "curve.csv") == curve_lines(tmp_path / "cli" / "curve.csv")
    # What the CLI prints, with the API's paths.
    assert capsys.readouterr().out == p.stdout.replace(str(tmp_path / "cli"), str(tmp_path / "api"))
    assert "training on 6 labels, 4 held out (reward cost)" in p.stdout
    assert f"best held-out dp_topo/J {got['best_holdout']:.4f} after 3 epochs" in p.stdout


def test_train_resume_continues_the_checkpoint(cli, tmp_path, labels):
    cli_train(cli, labels, tmp_path / "whole")
    # One epoch by the CLI, the other two by the API from its checkpoint.
    cli_train(cli, labels, tmp_path / "part", epochs=1)
    got = respect_opt.train(labels, tmp_path / "part", **api_keys("train", {**TRAIN_KEYS, "resume": True}), **QUIET)
    assert got["epochs"] == 3 and [r["epoch"] for r in got["curve"]] == [0, 1, 2, 3]
    assert (tmp_path / "part" / "policy.rspw").read_bytes() == (tmp_path / "whole" / "policy.rspw").read_bytes()
    # Epochs 2 and 3 continue the parameters, Adam state and RNG of epoch 1.
    assert curve_lines(tmp_path / "part" / "curve.csv") == curve_lines(tmp_path / "whole" / "curve.csv")


def test_train_errors_are_the_cli_lines(cli_error_line, tmp_path, labels, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(labels, tmp_path / "d.bin")
    before = (tmp_path / "d.bin").read_bytes()
    # weights_out naming the dataset.
    want = cli_error_line("--task", "train", "--train.dataset", "d.bin", "--train.checkpoint_dir", "ck",
                          "--train.weights_out", "d.bin")
    with pytest.raises(ValueError) as e:
        respect_opt.train("d.bin", "ck", train__weights_out="d.bin", **QUIET)
    assert str(e.value) == want and "refusing to overwrite input file" in want
    # A dataset that is no dataset.
    (tmp_path / "junk.bin").write_bytes(b"not a label dataset")
    want = cli_error_line("--task", "train", "--train.dataset", "junk.bin", "--train.checkpoint_dir", "ck")
    with pytest.raises(ValueError) as e:
        respect_opt.train("junk.bin", "ck", **QUIET)
    assert str(e.value) == want
    assert (tmp_path / "d.bin").read_bytes() == before


def test_inputs_are_protected_for_one_call_only(tmp_path, labels):
    first = respect_opt.train(labels, tmp_path / "a", **api_keys("train", {**TRAIN_KEYS, "epochs": 1}), **QUIET)
    w = first["weights"]
    before = open(w, "rb").read()
    # Within a call: the init weights are an input.
    with pytest.raises(ValueError, match="refusing to overwrite input file"):
        respect_opt.train(labels, tmp_path / "b", train__init_weights=w, train__weights_out=w,
                          **api_keys("train", {**TRAIN_KEYS, "epochs": 1}), **QUIET)
    assert open(w, "rb").read() == before
    respect_opt.train(labels, tmp_path / "b", train__init_weights=w, **api_keys("train", {**TRAIN_KEYS, "epochs": 1}),
                      **QUIET)
    # A later call may write what an earlier call read.
    again = respect_opt.train(labels, tmp_path / "c", train__weights_out=w,
                              **api_keys("train", {**TRAIN_KEYS, "epochs": 1}), **QUIET)
    assert again["weights"] == w and open(w, "rb").read() == before  # same seed, same run


# ------------------------------------------------------------ calibrate

CSV = """# made-up times
model,stages,stage,measured_ms
zoo:resnet50,4,0,9.5
zoo:resnet50,4,1,8.1
zoo:resnet50,4,2,7.7
zoo:resnet50,4,3,11.2
zoo:mobilenetv2,2,0,2.9
zoo:mobilenetv2,2,1,3.4
zoo:vgg16,3,1,41.0
"""


def test_calibrate_round_trip(cli, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.csv").write_text(CSV)
    p = cli("--task", "calibrate", "--calibrate.measurements", "m.csv", "--calibrate.output", "cli/fit.yaml",
            cwd=tmp_path)
    assert p.returncode == 0, p.stderr
    got = respect_opt.calibrate("m.csv", "api/fit.yaml")
    assert got["output"] == "api/fit.yaml"
    assert (tmp_path / "api/fit.yaml").read_text() == (tmp_path / "cli/fit.yaml").read_text()
    fragment = dict(re.findall(r"^  (\w+): (\S+)", (tmp_path / "cli/fit.yaml").read_text(), re.M))
    assert {k: float(v) for k, v in fragment.items()} == got["edgetpu"]
    assert [r["line"] for r in got["rows"]] == [3, 4, 5, 6, 7, 8, 9]
    assert got["rows"][0]["model"] == "zoo:resnet50" and got["rows"][0]["method"] == "heuristic"
    for r in got["rows"]:
        assert r["relative_error"] == pytest.approx((r["predicted_ms"] - r["measured_ms"]) / r["measured_ms"])
    assert got["max_relative_error"] == max(abs(r["relative_error"]) for r in got["rows"])
    summary = re.search(r"fit error: rms ([0-9.]+)%, largest ([0-9.]+)% \(line (\d+)\)", p.stdout)
    assert f"{got['rms_relative_error'] * 100:.2f}" == summary.group(1)
    assert f"{got['max_relative_error'] * 100:.2f}" == summary.group(2)
    assert got["worst_line"] == int(summary.group(3))
    assert got["fitted"]["edgetpu.segment_overhead_s"] is True
    assert got["notes"] == [l[len("note: "):] for l in p.stdout.splitlines() if l.startswith("note: ")]
    assert capsys.readouterr().out == p.stdout.replace("cli/fit.yaml", "api/fit.yaml")


@pytest.mark.parametrize("name,text", [
    ("missing_column", "model,stages,measured_ms\nzoo:resnet50,4,9.5\n"),
    ("negative_ms", "model,stages,stage,measured_ms\nzoo:resnet50,4,0,-1\n"),
    ("unknown_model", "model,stages,stage,measured_ms\n" + "zoo:nope,4,0,1\n" * 5),
])
def test_calibrate_errors_are_the_cli_lines(cli_error_line, tmp_path, monkeypatch, name, text):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.csv").write_text(text)
    want = cli_error_line("--task", "calibrate", "--calibrate.measurements", "m.csv", "--calibrate.output", "o.yaml")
    with pytest.raises(ValueError) as e:
        respect_opt.calibrate("m.csv", "o.yaml")
    assert str(e.value) == want
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.csv"]


def test_calibrate_never_writes_its_input(cli_error_line, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "m.csv").write_text(CSV)
    want = cli_error_line("--task", "calibrate", "--calibrate.measurements", "m.csv", "--calibrate.output", "m.csv")
    with pytest.raises(ValueError) as e:
        respect_opt.calibrate("m.csv", "m.csv")
    assert str(e.value) == want and "refusing to overwrite input file" in want
    assert (tmp_path / "m.csv").read_text() == CSV


# ------------------------------------------------------------ devices

def test_devices_match_the_cli(cli):
    p = cli("--task", "devices")
    assert p.returncode == 0, p.stderr
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        got = respect_opt.devices()
    lines = p.stdout.splitlines()
    want = [re.match(r"coral \d+: usb (\S+) bus (\d+) port (\S+) address (\d+) - (.*)", l).groups()
            for l in lines if l.startswith("coral ")]
    assert [(d["usb_id"], str(d["bus"]), d["port_path"], str(d["address"]), d["description"]) for d in got] == want
    # No USB: the CLI's first line is the warning.
    assert [str(w.message) for w in caught] == ([lines[0]] if lines[0].startswith("USB not available") else [])


def test_devices_error_is_the_cli_line(cli_error_line):
    want = cli_error_line("--task", "devices", "--solver.threads", "0")
    with pytest.raises(ValueError) as e:
        respect_opt.devices(solver__threads=0)
    assert str(e.value) == want
