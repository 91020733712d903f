#!/usr/bin/env python3
"""Hostile-input suite for respect-opt (issue 23).

Generates several hundred bad inputs of every kind (YAML configs and
command-line overrides, graph JSON, GML, .tflite mutants of tests/data/tflite,
policy weights files, deploy schedules, calibration CSVs, output paths,
non-regular files) in a fresh temporary directory, one directory per case,
runs respect-opt on each (cwd = the case directory, output.dir = out unless
the case names another) and checks for every case:

  * exit code 2;
  * exactly one line on stderr, starting "respect-opt: error: ";
  * no file outside output.dir created, changed or removed (every input is
    hashed before and after; symlinks are compared by target).

Usage: run_hostile.py RESPECT_OPT SOURCE_DIR [--list] [--keep]
Prints one line per failing case and a summary; exit 0 when all pass.
"""
import concurrent.futures
import hashlib
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time

TIMEOUT_S = 30
MAX_LINE = 1000  # an error names the culprit; it never quotes a whole input

TINY = ('{"name": "tiny", "nodes": [{"id": 0, "param_bytes": 10}, {"id": 1, "param_bytes": 20}, '
        '{"id": 2, "param_bytes": 30}], "edges": [{"src": 0, "dst": 1}, {"src": 1, "dst": 2}]}')
BASE_YAML = "task: schedule\nmodel: g.json\nstages: 2\nmethods: heuristic\noutput: {dir: out}\n"
TINY_GML = ('graph [\n directed 1\n node [ id 0 label "a" parameter 10 ]\n node [ id 1 label "b" parameter 20 ]\n'
            ' edge [ source 0 target 1 parameter 4 ]\n]\n')
P62 = str(2 ** 62)


class Case:
    """One hostile run: files to create (path -> bytes | ('symlink', target) |
    ('fifo',) | ('dir',)), arguments, and the output directory it may touch."""

    def __init__(self, kind, name, files, args, out="out"):
        self.kind, self.name, self.files, self.args, self.out = kind, name, files, args, out


def with_tiny(files):
    merged = {"g.json": TINY}
    merged.update(files)
    return merged


def config_case(name, yaml_text, extra_args=()):
    return Case("config", name, with_tiny({"c.yaml": yaml_text}), ["--config", "c.yaml", *extra_args])


def config_cases():
    cases = []
    bad_values = [
        ("stages", "abc"), ("stages", "-1"), ("stages", "0"), ("stages", "1025"), ("stages", "[]"),
        ("stages", "{a: 1}"), ("stages", "1.5"), ("stages", "[2, x]"), ("stages", "1e400"),
        ("solver.time_limit_s", ".nan"), ("solver.time_limit_s", "-1"), ("solver.time_limit_s", "x"),
        ("solver.time_limit_s", "0"), ("solver.time_limit_s", "1e99"), ("solver.threads", "0"),
        ("solver.threads", "1e10"), ("solver.relative_gap", "2"), ("solver.engine", "cplex"),
        ("solver.start", "random"), ("objective.kind", "speed"), ("objective.comm_weight", "-1"),
        ("objective.comm_model", "wire"), ("methods", "[foo]"), ("methods", "[]"), ("methods", "{a: b}"),
        ("task", "explode"), ("task", "[schedule]"), ("model", "[]"), ("model", "{a: b}"), ("model", "g.txt"),
        ("model", "zoo:nope"), ("edgetpu.sram_bytes", "-5"), ("edgetpu.sram_bytes", "1e16"),
        ("edgetpu.link_bytes_per_s", "0"), ("label.seed", "-1"), ("label.seed", "1.9e19"), ("label.seed", "1e400"),
        ("label.seed", "0.5"), ("synthetic.seed", "abc"), ("policy.window", "2000"), ("policy.decode", "magic"),
        ("policy.beam_width", "0"), ("output.dir", "''"), ("synthetic.nodes", "1"), ("synthetic.count", "0"),
        ("train.learning_rate", "0"), ("train.reward", "money"), ("constraints.nonempty_stages", "maybe"),
        ("solver.verbose", "2"), ("deploy.runs", "0"), ("label.count", "0"), ("train.curriculum", "[1]"),
        ("objective.edge_weight", "indicator"), ("policy.samples", "5000"), ("train.hidden", "2"),
    ]
    for i, (key, value) in enumerate(bad_values):
        section, _, leaf = key.rpartition(".")
        if section:
            text = BASE_YAML.replace("output: {dir: out}\n", "") + f"{section}: {{{leaf}: {value}}}\noutput: {{dir: out}}\n"
            if section == "output":
                text = BASE_YAML.replace("output: {dir: out}\n", f"output: {{{leaf}: {value}}}\n")
        else:
            lines = [l for l in BASE_YAML.splitlines() if not l.startswith(key + ":")]
            text = "\n".join(lines) + f"\n{key}: {value}\n"
        cases.append(config_case(f"value_{i}_{key}", text))
    for i, key in enumerate(["stage", "modle", "solver.time_limit", "solvr.threads", "output.directory",
                             "policy.weight", "label.sed", "xyz", "train.epoch", "deploy.schedul"]):
        section, _, leaf = key.rpartition(".")
        extra = f"{section}: {{{leaf}: 1}}\n" if section else f"{key}: 1\n"
        cases.append(config_case(f"unknown_{i}", BASE_YAML + extra))
    structural = {
        "self_alias_output": "task: schedule\nmodel: g.json\noutput: &a {dir: out, x: *a}\n",
        "self_alias_solver": BASE_YAML + "solver: &s {threads: 1, more: *s}\n",
        "self_alias_seq": BASE_YAML + "methods: &m [heuristic, *m]\n",
        "self_alias_top_key": BASE_YAML + "policy: &p {window: 1, nested: {deeper: *p}}\n",
        "undefined_alias": BASE_YAML + "stages: *nothing\n",
        "merge_key": BASE_YAML + "base: &b {threads: 1}\nsolver: {<<: *b}\n",
        "duplicate_key": BASE_YAML + "stages: 3\n",
        "duplicate_dotted": BASE_YAML + "solver: {threads: 1}\nsolver.threads: 2\n",
        "duplicate_section": BASE_YAML + "solver: {threads: 1}\nsolver: {verbose: true}\n",
        "empty": "",
        "only_comment": "# nothing here\n",
        "top_list": "- task\n- schedule\n",
        "top_scalar": "schedule\n",
        "garbage": "\x00\x01\x02\xff\xfe binary",
        "invalid_utf8": BASE_YAML + "output: {dir: \"\xff\xfe\"}\n",
        "tab_indent": "task: schedule\nsolver:\n\tthreads: 1\n",
        "unclosed_quote": "task: \"schedule\nmodel: g.json\n",
        "unclosed_flow": "task: schedule\nsolver: {threads: 1\n",
        "null_key": BASE_YAML + "~: 3\n",
        "null_value": BASE_YAML + "solver: {threads: ~}\n",
        "complex_key": BASE_YAML + "? [a, b]\n: 3\n",
        "section_scalar": BASE_YAML + "solver: 5\n",
        "long_key": BASE_YAML + "k" * 5000 + ": 1\n",
        "deep_flow_100": BASE_YAML + "x: " + "[" * 100 + "]" * 100 + "\n",
        "deep_flow_10000": BASE_YAML + "x: " + "[" * 10000 + "]" * 10000 + "\n",
        "deep_map_1000": BASE_YAML + "x: " + "{a: " * 1000 + "1" + "}" * 1000 + "\n",
        "deep_block_60": BASE_YAML + "".join("  " * d + f"k{d}:\n" for d in range(60)) + "  " * 60 + "v: 1\n",
        "deep_in_stages": BASE_YAML.replace("stages: 2", "stages: " + "[" * 50 + "2" + "]" * 50),
        "two_documents": BASE_YAML + "---\ntask: label\n",
        "directive_only": "%YAML 1.2\n---\n",
        "huge_int": BASE_YAML + "solver: {threads: 99999999999999999999999999}\n",
        "stages_list_schedule": BASE_YAML.replace("stages: 2", "stages: [2, 3]"),
        "two_models_schedule": BASE_YAML.replace("model: g.json", "model: [g.json, g.json]"),
        "levels_swapped": BASE_YAML + "synthetic: {levels_min: 9, levels_max: 3}\n",
        "label_stages_swapped": BASE_YAML + "label: {stages_min: 6, stages_max: 2}\n",
    }
    for name, text in structural.items():
        cases.append(config_case(name, text))
    for depth in (7, 9, 11):
        y = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for lv in range(1, depth + 1):
            y += f"a{lv}: &a{lv} [" + ", ".join([f"*a{lv - 1}"] * 10) + "]\n"
        cases.append(config_case(f"alias_bomb_seq_{depth}", BASE_YAML + y))
        m = "b0: &b0 {" + ", ".join(f"k{j}: x" for j in range(10)) + "}\n"
        for lv in range(1, depth + 1):
            m += f"b{lv}: &b{lv} {{" + ", ".join(f"k{j}: *b{lv - 1}" for j in range(10)) + "}\n"
        cases.append(config_case(f"alias_bomb_map_{depth}", BASE_YAML + m))
    return cases


def cli_cases():
    bad = [
        ["--stages", "abc"], ["--stages"], ["--stages", "2", "--stages", "3"], ["--set", "noequals"],
        ["--set", "bogus.key=1"], ["--bogus"], ["--solver.time_limit_s", "nan"], ["--label.seed", "-3"],
        ["--model", "&a [*a]"], ["--model", "&a {x: *a}"], ["--stages", "[" * 5000 + "]" * 5000],
        ["--methods", "[heuristic, nope]"], ["--task", "nope"], ["--output.dir", ""], ["--config"],
        ["--config", "missing.yaml"], ["--stages", "--methods", "heuristic"], ["--objective.kind", "[a]"],
        ["--label.seed", "1e20"], ["--train.seed", "18446744073709551616"], ["--solver.threads", "{a: 1}"],
        ["--write-lp", "c.txt", "--methods", "exact"], ["--model", "zoo:"], ["--model", ""],
        ["--stages", "&a [*a]"], ["--set", "stages=&x [1, *x]"],
    ]
    cases = []
    for i, args in enumerate(bad):
        full = args if "--config" in args else ["--model", "g.json", "--methods", "heuristic", "--output.dir", "out", *args]
        cases.append(Case("cli", f"cli_{i}", {"g.json": TINY}, full))
    return cases


def graph_args(model="m.json", extra=()):
    return ["--model", model, "--stages", "2", "--methods", "heuristic", "--output.dir", "out", *extra]


def json_cases():
    node = lambda i, extra="": f'{{"id": {i}, "param_bytes": 10{extra}}}'
    two = lambda edges: '{"nodes": [' + node(0) + ", " + node(1) + '], "edges": [' + edges + "]}"
    texts = {
        "empty": "", "space": "   \n", "null": "null", "number": "42", "array": "[]", "string": '"graph"',
        "no_nodes": '{"edges": []}', "nodes_object": '{"nodes": {}}', "nodes_empty": '{"nodes": []}',
        "node_scalar": '{"nodes": [1]}', "node_no_id": '{"nodes": [{"param_bytes": 1}]}',
        "node_no_param": '{"nodes": [{"id": 0}]}', "param_negative": '{"nodes": [' + node(0).replace("10", "-1") + "]}",
        "param_float": '{"nodes": [{"id": 0, "param_bytes": 1.5}]}', "param_string": '{"nodes": [{"id": 0, "param_bytes": "10"}]}',
        "param_1e999": '{"nodes": [{"id": 0, "param_bytes": 1e999}]}',
        "param_long_number": '{"nodes": [{"id": 0, "param_bytes": ' + "9" * 100000 + "}]}",
        "name_long_bad": '{"nodes": [{"id": 0, "param_bytes": 1, "name": "' + "n" * 100000 + '", "op": 1}]}',
        "id_long_string_unknown": two('{"src": "' + "s" * 100000 + '", "dst": 1}'),
        "param_2_64": '{"nodes": [{"id": 0, "param_bytes": 18446744073709551615}]}',
        "param_bool": '{"nodes": [{"id": 0, "param_bytes": true}]}',
        "output_negative": '{"nodes": [' + node(0, ', "output_bytes": -4') + "]}",
        "macs_object": '{"nodes": [' + node(0, ', "macs": {}') + "]}",
        "id_float": '{"nodes": [{"id": 0.5, "param_bytes": 1}]}', "id_object": '{"nodes": [{"id": {}, "param_bytes": 1}]}',
        "id_empty": '{"nodes": [{"id": "", "param_bytes": 1}]}', "dup_id": '{"nodes": [' + node(0) + ", " + node(0) + "]}",
        "name_number": '{"nodes": [' + node(0, ', "name": 5') + "]}", "op_list": '{"nodes": [' + node(0, ', "op": []') + "]}",
        "graph_name_number": '{"name": 3, "nodes": [' + node(0) + "]}",
        "edges_object": '{"nodes": [' + node(0) + '], "edges": {}}', "edge_scalar": two("7"),
        "edge_no_dst": two('{"src": 0}'), "edge_unknown": two('{"src": 0, "dst": 9}'),
        "edge_unknown_src": two('{"src": "x", "dst": 1}'), "self_loop": two('{"src": 0, "dst": 0}'),
        "cycle": two('{"src": 0, "dst": 1}, {"src": 1, "dst": 0}'),
        "edge_negative": two('{"src": 0, "dst": 1, "bytes": -3}'), "edge_float": two('{"src": 0, "dst": 1, "bytes": 0.5}'),
        "edge_conflict": two('{"src": 0, "dst": 1, "bytes": 3}, {"src": 0, "dst": 1, "bytes": 4}'),
        "edge_bytes_huge": '{"nodes": [' + node(0) + ", " + node(1) + ", " + node(2) + '], "edges": [' + ", ".join(
            f'{{"src": {a}, "dst": {b}, "bytes": {P62}}}' for a, b in ((0, 1), (1, 2), (0, 2))) + "]}",
        "trailing_comma": '{"nodes": [' + node(0) + ",]}", "comment": '// c\n{"nodes": [' + node(0) + "]}",
        "single_quotes": "{'nodes': []}", "nan": '{"nodes": [{"id": 0, "param_bytes": NaN}]}',
        "bom_garbage": "\xef\xbb\xbf{]", "unterminated_string": '{"nodes": [{"id": "abc',
        "bad_escape": '{"nodes": [{"id": "\\q", "param_bytes": 1}]}', "nul": '{"nodes": \x00[]}',
        "params_overflow": '{"nodes": [' + ", ".join(f'{{"id": {i}, "param_bytes": {P62}}}' for i in range(3)) + "]}",
        "outputs_overflow": '{"nodes": [' + ", ".join(
            f'{{"id": {i}, "param_bytes": 1, "output_bytes": {P62}}}' for i in range(3)) + "]}",
        "macs_overflow": '{"nodes": [' + ", ".join(f'{{"id": {i}, "param_bytes": 1, "macs": {P62}}}' for i in range(3)) + "]}",
        "params_2_53": '{"nodes": [' + node(0).replace("10", str(2 ** 53)) + ", " + node(1).replace("10", "1") + "]}",
    }
    for depth in (100, 10000, 1000000):
        for field in ("param_bytes", "id", "output_bytes", "name"):
            nest = "[" * depth + "]" * depth
            body = f'{{"id": 0, "param_bytes": 1, "{field}": {nest}}}' if field != "id" else \
                f'{{"param_bytes": 1, "id": {nest}}}'
            if field == "param_bytes":
                body = f'{{"id": 0, "param_bytes": {nest}}}'
            texts[f"deep_{field}_{depth}"] = '{"nodes": [' + body + "]}"
        texts[f"deep_edge_bytes_{depth}"] = two('{"src": 0, "dst": 1, "bytes": ' + "{\"a\":" * depth + "1" + "}" * depth + "}")
        texts[f"deep_top_{depth}"] = "[" * depth + "]" * depth
    good = '{"name": "t", "nodes": [' + node(0) + ", " + node(1) + '], "edges": [{"src": 0, "dst": 1}]}'
    for cut in (1, 5, 12, 20, 30, 45, len(good) - 2, len(good) - 1):
        texts[f"truncated_{cut}"] = good[:cut]
    return [Case("graph_json", n, {"m.json": t}, graph_args()) for n, t in texts.items()]


def gml_cases():
    def g(body):
        return "graph [\n directed 1\n" + body + "]\n"
    nd = lambda i, extra="": f' node [ id {i} label "n{i}" parameter 10 {extra}]\n'
    texts = {
        "empty": "", "garbage": "\x00\xff\x01", "no_graph": "node [ id 0 ]\n", "unclosed": "graph [\n node [ id 0\n",
        "extra_close": g(nd(0)) + "]\n", "unterminated_string": 'graph [ node [ id 0 label "abc ] ]\n',
        "bad_value": g(' node [ id 0 label "a" parameter ten ]\n'), "no_nodes": g(""),
        "dup_id": g(nd(0) + nd(0)), "edge_unknown": g(nd(0) + nd(1) + " edge [ source 0 target 7 ]\n"),
        "self_loop": g(nd(0) + " edge [ source 0 target 0 ]\n"),
        "cycle": g(nd(0) + nd(1) + " edge [ source 0 target 1 ]\n edge [ source 1 target 0 ]\n"),
        "negative_param": g(' node [ id 0 label "a" parameter -5 ]\n'),
        "float_param": g(' node [ id 0 label "a" parameter 2.5 ]\n'),
        "huge_param": g(' node [ id 0 label "a" parameter 1e30 ]\n'),
        "params_overflow": g("".join(f' node [ id {i} label "n{i}" parameter {P62} ]\n' for i in range(3))),
        "edge_negative": g(nd(0) + nd(1) + " edge [ source 0 target 1 parameter -2 ]\n"),
        "edge_no_target": g(nd(0) + nd(1) + " edge [ source 0 ]\n"),
        "node_no_id": g(' node [ label "a" parameter 1 ]\n'), "key_only": g(" node\n"),
        "bad_key": g(" node [ id 0 @@ 1 ]\n"), "string_id": g(' node [ id "x" parameter 1 ]\n') + "x",
        "nan_param": g(' node [ id 0 label "a" parameter nan ]\n'),
        "inf_param": g(' node [ id 0 label "a" parameter inf ]\n'),
        "output_overflow": g("".join(f' node [ id {i} label "n{i}" parameter 1 output_bytes {P62} ]\n' for i in range(3))),
    }
    for depth in (65, 100, 10000, 1000000):
        texts[f"deep_{depth}"] = "graph [ x " + "[ a " * depth + "]" * depth + " ]\n"
    good = TINY_GML
    for cut in (3, 10, 25, 40, 60, len(good) - 4, len(good) - 2):
        texts[f"truncated_{cut}"] = good[:cut]
    return [Case("gml", n, {"m.gml": t}, graph_args("m.gml")) for n, t in texts.items()]


def tflite_cases(src):
    cases = []
    data_dir = os.path.join(src, "tests", "data", "tflite")
    for fname in sorted(os.listdir(data_dir)):
        raw = open(os.path.join(data_dir, fname), "rb").read()
        stem = fname[:-7]
        mutants = {
            "empty": b"", "cut4": raw[:4], "cut8": raw[:8], "cut16": raw[:16], "cut64": raw[:64],
            "quarter": raw[: len(raw) // 4], "half": raw[: len(raw) // 2], "zeros": bytes(len(raw)),
            "root_ff": b"\xff\xff\xff\x7f" + raw[4:], "root_past_end": struct.pack("<I", len(raw) + 8) + raw[4:],
            "ident": raw[:4] + b"XXXX" + raw[8:], "text": b"this is not a flatbuffer at all\n" * 4,
        }
        for name, blob in mutants.items():
            cases.append(Case("tflite", f"{stem}_{name}", {"m.tflite": blob}, graph_args("m.tflite")))
    return cases


def weights_cases(src):
    shipped = open(os.path.join(src, "policy", "weights", "respect_policy.rspw"), "rb").read()
    assert shipped[4] == 2, "the shipped weights are expected to be version 2"
    body3 = shipped[:4] + struct.pack("<I", 3) + shipped[8:]
    nan_tail = shipped[:-4] + struct.pack("<I", 0x7FC00000)
    inf_tail = shipped[:-4] + struct.pack("<I", 0x7F800000)
    mutants = {
        "empty": b"", "magic": b"XSPW" + shipped[4:], "v0": shipped[:4] + struct.pack("<I", 0) + shipped[8:],
        "v1": shipped[:4] + struct.pack("<I", 1) + shipped[8:], "v7": shipped[:4] + struct.pack("<I", 7) + shipped[8:],
        "v3_no_checksum": body3, "v3_bad_checksum": body3 + b"\0\0\0\0", "nan_last": nan_tail, "inf_last": inf_tail,
        "trailing": shipped + b"zz", "feature_dim": shipped[:8] + struct.pack("<I", 23) + shipped[12:],
        "embed_huge": shipped[:12] + struct.pack("<I", 99999) + shipped[16:],
        "clip_nan": shipped[:20] + struct.pack("<I", 0x7FC00000) + shipped[24:],
        "mask_2": shipped[:24] + struct.pack("<I", 2) + shipped[28:], "dyn_2": shipped[:32] + struct.pack("<I", 2) + shipped[36:],
        "note_len_huge": shipped[:36] + struct.pack("<I", 0xFFFFFFF0) + shipped[40:],
        "text": b"weights\n" * 10, "zeros": bytes(len(shipped)),
    }
    for cut in (4, 8, 20, 40, 100, 1000, len(shipped) // 2, len(shipped) - 1):
        mutants[f"cut_{cut}"] = shipped[:cut]
    cases = []
    for name, blob in mutants.items():
        cases.append(Case("weights", name, with_tiny({"w.rspw": blob}),
                          graph_args("g.json", ["--methods", "rl", "--policy.weights", "w.rspw"])))
    # As init weights of a training run (a dataset that exists but is never reached).
    for name in ("magic", "v7", "nan_last", "cut_100"):
        cases.append(Case("weights", f"init_{name}", {"w.rspw": mutants[name], "labels.bin": b"RSPL"},
                          ["--task", "train", "--train.dataset", "labels.bin", "--train.init_weights", "w.rspw",
                           "--output.dir", "out"]))
    return cases + window_weights_cases(src)


def window_weights_cases(src):
    """policy.window_weights (the window network's RSPS file) read by two_phase's learned windows."""
    shipped = open(os.path.join(src, "policy", "weights", "stage_net.rspw"), "rb").read()
    flipped = bytearray(shipped)
    flipped[len(shipped) // 2] ^= 0x10
    mutants = {
        "empty": b"", "magic": b"XSPS" + shipped[4:], "v7": shipped[:4] + struct.pack("<I", 7) + shipped[8:],
        "bit_flip": bytes(flipped), "trailing": shipped + b"zz", "text": b"stage net\n" * 10,
        "zeros": bytes(len(shipped)), "pointer_file": open(os.path.join(src, "policy", "weights",
                                                                         "respect_policy.rspw"), "rb").read(),
    }
    for cut in (4, 12, 100, len(shipped) // 2, len(shipped) - 1):
        mutants[f"cut_{cut}"] = shipped[:cut]
    args = ["--methods", "two_phase", "--policy.windows", "learned", "--policy.window_weights", "w.rsps"]
    cases = [Case("window_weights", name, with_tiny({"w.rsps": blob}), graph_args("g.json", args))
             for name, blob in mutants.items()]
    for kname, spec in (("zero", ("symlink", "/dev/zero")), ("fifo", ("fifo",)), ("dir", ("dir",))):
        cases.append(Case("nonregular", f"{kname}_window_weights", with_tiny({"w.rsps": spec}),
                          graph_args("g.json", args)))
    return cases


def schedule_cases(src):
    model = open(os.path.join(src, "tests", "data", "tflite", "tiny_int8.tflite"), "rb").read()
    texts = {
        "empty": "", "not_object": "[]", "no_assignment": "{}", "assignment_object": '{"assignment": {}}',
        "entry_scalar": '{"assignment": [1]}', "stage_string": '{"assignment": [{"id": 0, "stage": "0"}]}',
        "stage_negative": '{"assignment": [{"id": 0, "stage": -1}]}',
        "stage_huge": '{"assignment": [{"id": 0, "stage": 99999999999}]}',
        "unknown_node": '{"assignment": [{"id": "zz", "stage": 0}]}', "stages_zero": '{"stages": 0, "assignment": []}',
        "deep_stage": '{"assignment": [{"id": 0, "stage": ' + "[" * 1000000 + "]" * 1000000 + "}]}",
        "deep_id": '{"assignment": [{"id": ' + "{\"a\":" * 100000 + "1" + "}" * 100000 + ', "stage": 0}]}',
        "deep_stages": '{"stages": ' + "[" * 10000 + "]" * 10000 + ', "assignment": []}',
        "truncated": '{"assignment": [{"id": 0, "sta',
    }
    return [Case("schedule", n, {"m.tflite": model, "s.json": t},
                 ["--task", "deploy", "--model", "m.tflite", "--stages", "2", "--deploy.schedule", "s.json",
                  "--output.dir", "out"]) for n, t in texts.items()]


def path_cases():
    tiny = {"g.json": TINY}
    c = lambda name, files, args, out="out": Case("paths", name, {**tiny, **files}, args, out)
    sched = ["--model", "g.json", "--stages", "2", "--methods", "heuristic"]
    train = ["--task", "train", "--output.dir", "out", "--train.dataset", "labels.bin"]
    cases = [
        c("outdir_is_file", {"f": "x"}, [*sched, "--output.dir", "f"], "nowhere"),
        c("outdir_loop", {"loop": ("symlink", "loop")}, [*sched, "--output.dir", "loop"], "nowhere"),
        c("outdir_loop_deploy", {"loop": ("symlink", "loop")}, ["--task", "deploy", "--model", "g.json",
                                                               "--output.dir", "loop"], "nowhere"),
        c("outdir_under_file", {"f": "x"}, [*sched, "--output.dir", "f/sub"], "nowhere"),
        c("outdir_dangling_loop", {"a": ("symlink", "b"), "b": ("symlink", "a")}, [*sched, "--output.dir", "a/x"], "nowhere"),
        c("write_lp_config", {"c.yaml": BASE_YAML.replace("heuristic", "exact")},
          ["--config", "c.yaml", "--solver.write_lp", "c.yaml"]),
        c("write_lp_model", {}, [*sched, "--methods", "exact", "--output.dir", "out", "--solver.write_lp", "g.json"]),
        c("write_lp_hardlink", {"run.lp": BASE_YAML.replace("heuristic", "exact"), "link.lp": ("hardlink", "run.lp")},
          ["--config", "run.lp", "--solver.write_lp", "link.lp"]),
        c("write_lp_symlink", {"run.lp": BASE_YAML.replace("heuristic", "exact"), "sym.lp": ("symlink", "run.lp")},
          ["--config", "run.lp", "--solver.write_lp", "sym.lp"]),
        c("write_lp_dotdot", {"run.lp": BASE_YAML.replace("heuristic", "exact"), "sub": ("dir",)},
          ["--config", "run.lp", "--solver.write_lp", "sub/../run.lp"]),
        c("write_lp_extension", {}, [*sched, "--methods", "exact", "--output.dir", "out", "--solver.write_lp", "m.txt"]),
        c("write_mip_start_model", {}, [*sched, "--methods", "exact", "--output.dir", "out", "--solver.write_lp", "m.lp",
                                        "--solver.write_mip_start", "g.json"]),
        c("write_mip_start_hardlink", {"run.mst": BASE_YAML.replace("heuristic", "exact"),
                                       "link.mst": ("hardlink", "run.mst")},
          ["--config", "run.mst", "--solver.write_lp", "m.lp", "--solver.write_mip_start", "link.mst"]),
        c("write_mip_start_extension", {}, [*sched, "--methods", "exact", "--output.dir", "out", "--solver.write_lp",
                                            "m.lp", "--solver.write_mip_start", "m.txt"]),
        c("write_mip_start_alone", {}, [*sched, "--methods", "exact", "--output.dir", "out",
                                        "--solver.write_mip_start", "m.mst"]),
        c("weights_out_init", {"w.rspw": b"w", "labels.bin": b"d"}, [*train, "--train.init_weights", "w.rspw",
                                                                    "--train.weights_out", "w.rspw"]),
        c("weights_out_dataset", {"labels.bin": b"d"}, [*train, "--train.weights_out", "labels.bin"]),
        c("weights_out_model", {"labels.bin": b"d"}, [*train, "--model", "g.json", "--train.weights_out", "g.json"]),
        c("weights_out_policy", {"labels.bin": b"d", "p.rspw": b"p"}, [*train, "--policy.weights", "p.rspw",
                                                                      "--train.weights_out", "p.rspw"]),
        c("weights_out_config", {"labels.bin": b"d", "c.yaml": "task: train\ntrain: {dataset: labels.bin}\n"},
          ["--config", "c.yaml", "--output.dir", "out", "--train.weights_out", "c.yaml"]),
        c("curve_is_dataset", {"ck/curve.csv": b"d"}, ["--task", "train", "--output.dir", "out", "--train.dataset",
                                                       "ck/curve.csv", "--train.checkpoint_dir", "ck"]),
        c("checkpoint_is_dataset", {"ck/checkpoint.rspc": b"d"},
          ["--task", "train", "--output.dir", "out", "--train.dataset", "ck/checkpoint.rspc",
           "--train.checkpoint_dir", "ck"]),
        c("best_is_init", {"ck/best_so_far.rspw": b"w", "labels.bin": b"d"},
          [*train, "--train.checkpoint_dir", "ck", "--train.init_weights", "ck/best_so_far.rspw"]),
        c("label_dataset_config", {"c.yaml": "task: label\nlabel: {dataset: c.yaml, count: 2}\n"},
          ["--config", "c.yaml", "--output.dir", "out"]),
        c("label_dataset_model", {}, ["--task", "label", "--model", "g.json", "--label.dataset", "g.json",
                                      "--output.dir", "out"]),
        c("compare_csv_config", {"out/compare.csv": "task: compare\nmodel: g.json\nmethods: heuristic\nstages: 2\n"},
          ["--config", "out/compare.csv", "--output.dir", "out"], "nowhere"),
        c("dataset_missing", {}, [*train[:-1], "missing.bin"]),
        c("init_missing", {"labels.bin": b"d"}, [*train, "--train.init_weights", "nope.rspw"]),
        c("dataset_garbage", {"labels.bin": b"garbage"}, train),
        c("deploy_model_inside_out", {"out/segments/m.tflite": b"x"},
          ["--task", "deploy", "--model", "out/segments/m.tflite", "--output.dir", "out"], "nowhere"),
    ]
    return cases


def nonregular_cases():
    kinds = {
        "zero": ("symlink", "/dev/zero"), "null": ("symlink", "/dev/null"), "urandom": ("symlink", "/dev/urandom"),
        "fifo": ("fifo",), "dir": ("dir",),
    }
    cases = []
    for kname, spec in kinds.items():
        for model in ("m.json", "m.gml", "m.tflite"):
            cases.append(Case("nonregular", f"{kname}_{model}", {model: spec}, graph_args(model)))
        cases.append(Case("nonregular", f"{kname}_config", {"c.yaml": spec}, ["--config", "c.yaml"]))
        cases.append(Case("nonregular", f"{kname}_weights", with_tiny({"w.rspw": spec}),
                          graph_args("g.json", ["--methods", "rl", "--policy.weights", "w.rspw"])))
        cases.append(Case("nonregular", f"{kname}_dataset", {"d.bin": spec},
                          ["--task", "train", "--train.dataset", "d.bin", "--output.dir", "out"]))
        cases.append(Case("nonregular", f"{kname}_init", {"w.rspw": spec, "labels.bin": b"RSPL"},
                          ["--task", "train", "--train.dataset", "labels.bin", "--train.init_weights", "w.rspw",
                           "--output.dir", "out"]))
        cases.append(Case("nonregular", f"{kname}_schedule", with_tiny({"s.json": spec}),
                          ["--task", "deploy", "--model", "g.json", "--deploy.schedule", "s.json", "--output.dir", "out"]))
    return cases


def calibrate_cases():
    """task: calibrate (calibration CSV, docs/formats.md): malformed CSVs, rows naming what is not
    there, numbers out of range, and outputs that are inputs or lie under a file."""
    head = "model,stages,stage,measured_ms\n"
    good = head + "".join(f"g.json,2,{k},{1.5 + k}\n" for k in range(2)) + "".join(
        f"zoo:resnet50,4,{k},{9.5 + k}\n" for k in range(4))
    row = lambda r: head + r + "\n" + good[len(head):]
    texts = {
        "empty": "", "blank_lines": "\n\n  \n", "only_comment": "# nothing\n", "header_only": head,
        "binary_junk": bytes(range(256)) * 8, "nul_in_header": "model,stages\x00,stage,measured_ms\n",
        "invalid_utf8": head + "\xff\xfe,2,0,1\n",
        "missing_ms": "model,stages,stage\ng.json,2,0\n", "missing_model": "stages,stage,measured_ms\n2,0,1\n",
        "missing_stage": "model,stages,measured_ms\ng.json,2,1\n", "unknown_column": head[:-1] + ",colour\n",
        "repeated_column": "model,stages,stage,measured_ms,stage\ng.json,2,0,1,0\n",
        "too_few_fields": row("g.json,2,0"), "too_many_fields": row("g.json,2,0,1,7"),
        "ms_text": row("g.json,2,0,fast"), "ms_empty": row("g.json,2,0,"), "ms_zero": row("g.json,2,0,0"),
        "ms_negative": row("g.json,2,0,-3.5"), "ms_nan": row("g.json,2,0,nan"), "ms_inf": row("g.json,2,0,inf"),
        "ms_1e400": row("g.json,2,0,1e400"), "ms_huge": row("g.json,2,0,1e300"), "ms_above_bound": row("g.json,2,0,1e7"),
        "ms_tiny": row("g.json,2,0,1e-320"),
        "stages_zero": row("g.json,0,0,1"), "stages_huge": row("g.json,99999999999,0,1"),
        "stages_fraction": row("g.json,2.5,0,1"), "stage_out_of_range": row("g.json,2,2,1"),
        "stage_negative": row("g.json,2,-1,1"), "stage_text": row("g.json,2,first,1"),
        "unknown_zoo_model": row("zoo:nope,2,0,1"), "missing_model_file": row("missing.json,2,0,1"),
        "synthetic_model": row("synthetic,2,0,1"), "model_empty": row(",2,0,1"),
        "model_garbage_file": row("junk.json,2,0,1"), "model_is_dir": row("d.json,2,0,1"),
        "model_is_fifo": row("p.json,2,0,1"),
        "unknown_method": "model,stages,stage,method,measured_ms\ng.json,2,0,magic,1\n",
        "unknown_operator": "model,stages,stage,operators,measured_ms\ng.json,2,0,nope,1\n",
        "operators_not_a_segment": "model,stages,stage,operators,measured_ms\nc.json,2,0,a c,1\n",
        "unclosed_quote": row('"g.json,2,0,1'), "too_few_rows": head + "zoo:resnet50,4,0,9.5\nzoo:resnet50,4,1,8\n",
        "long_line": row("g.json,2,0," + "9" * 100000),
    }
    chain = ('{"nodes": [{"id": "a", "param_bytes": 10}, {"id": "b", "param_bytes": 10}, '
             '{"id": "c", "param_bytes": 10}], "edges": [{"src": "a", "dst": "b"}, {"src": "b", "dst": "c"}]}')
    files = lambda text: with_tiny({"m.csv": text, "c.json": chain, "junk.json": "{{{", "sub": ("dir",),
                                    "d.json": ("dir",), "p.json": ("fifo",)})
    args = ["--task", "calibrate", "--calibrate.measurements", "m.csv", "--output.dir", "out"]
    cases = [Case("calibrate", name, files(text), args) for name, text in texts.items()]
    outputs = {  # calibrate.output naming an input, or under a file
        "output_is_csv": ("m.csv", "out"), "output_is_model": ("g.json", "out"),
        "output_is_model_dotted": ("./sub/../g.json", "out"), "output_is_config": ("c.yaml", "out"),
        "output_under_file": ("f/fit.yaml", "nowhere"), "output_is_dir": ("sub", "nowhere"),
    }
    for name, (output, out) in outputs.items():
        extra = {"f": "a file", "c.yaml": "task: calibrate\n"}
        case_args = ["--config", "c.yaml", *args, "--calibrate.output", output]
        cases.append(Case("calibrate", name, {**files(good), **extra}, case_args, out))
    for kname, spec in (("zero", ("symlink", "/dev/zero")), ("fifo", ("fifo",)), ("dir", ("dir",)),
                        ("missing", None)):
        cases.append(Case("nonregular", f"{kname}_measurements", with_tiny({} if spec is None else {"m.csv": spec}),
                          args))
    cases.append(Case("calibrate", "outdir_is_file", {**files(good), "o": "x"},
                      ["--task", "calibrate", "--calibrate.measurements", "m.csv", "--output.dir", "o"], "nowhere"))
    return cases


def all_cases(src):
    return (config_cases() + cli_cases() + json_cases() + gml_cases() + tflite_cases(src) + weights_cases(src) +
            schedule_cases(src) + path_cases() + nonregular_cases() + calibrate_cases())


def materialize(case, root):
    for rel, spec in case.files.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if isinstance(spec, tuple):
            if spec[0] == "symlink":
                os.symlink(spec[1], path)
            elif spec[0] == "hardlink":
                os.link(os.path.join(root, spec[1]), path)
            elif spec[0] == "fifo":
                os.mkfifo(path)
            elif spec[0] == "dir":
                os.makedirs(path, exist_ok=True)
        else:
            with open(path, "wb") as f:
                f.write(spec.encode("utf-8", "surrogateescape") if isinstance(spec, str) else spec)


def snapshot(root, out):
    """Every entry under root except output.dir and the harness's own files:
    path -> (kind, content hash or link target)."""
    out_abs = os.path.normpath(os.path.join(root, out))
    state = {}
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        if os.path.normpath(dirpath) == out_abs or os.path.normpath(dirpath).startswith(out_abs + os.sep):
            continue
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            if os.path.normpath(p) == out_abs or name.startswith(".harness_"):
                continue
            if os.path.islink(p):
                state[p] = ("link", os.readlink(p))
            elif os.path.isdir(p):
                state[p] = ("dir", "")
            elif os.path.isfile(p):
                with open(p, "rb") as f:
                    state[p] = ("file", hashlib.sha256(f.read()).hexdigest())
            else:
                state[p] = ("special", "")
    return state


def run_case(binary, case, root):
    materialize(case, root)
    before = snapshot(root, case.out)
    t0 = time.time()
    try:
        p = subprocess.run([binary, *case.args], cwd=root, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=TIMEOUT_S)
        code, err = p.returncode, p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        code, err = "timeout", ""
    seconds = time.time() - t0
    after = snapshot(root, case.out)
    problems = []
    if code != 2:
        problems.append(f"exit {code}")
    lines = err.split("\n")
    if not (err.endswith("\n") and len(lines) == 2):
        problems.append(f"{err.count(chr(10))} stderr lines")
    elif not err.startswith("respect-opt: error: "):
        problems.append("stderr does not start with 'respect-opt: error: '")
    elif len(err) > MAX_LINE:
        problems.append(f"stderr line of {len(err)} characters")
    changed = sorted(set(before) ^ set(after) | {p for p in before if p in after and before[p] != after[p]})
    if changed:
        problems.append("touched outside output.dir: " + ", ".join(os.path.relpath(p, root) for p in changed[:4]))
    return problems, err.strip()[:200], seconds


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    binary, src = os.path.abspath(argv[1]), os.path.abspath(argv[2])
    cases = all_cases(src)
    names = [f"{c.kind}/{c.name}" for c in cases]
    assert len(set(names)) == len(names), "case names must be unique"
    if "--list" in argv:
        for n in names:
            print(n)
        return 0
    work = tempfile.mkdtemp(prefix="respect_hostile_")
    t0 = time.time()
    failures = []
    kinds = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {}
        for i, case in enumerate(cases):
            root = os.path.join(work, f"{i:04d}")
            os.makedirs(root)
            futures[pool.submit(run_case, binary, case, root)] = case
        for fut in concurrent.futures.as_completed(futures):
            case = futures[fut]
            problems, err, _ = fut.result()
            kinds[case.kind] = kinds.get(case.kind, 0) + 1
            if problems:
                failures.append(f"FAIL {case.kind}/{case.name}: {'; '.join(problems)} | {err}")
    elapsed = time.time() - t0
    for f in sorted(failures):
        print(f)
    summary = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
    print(f"hostile suite: {len(cases) - len(failures)}/{len(cases)} cases pass in {elapsed:.1f} s ({summary})")
    if "--keep" in argv:
        print("kept", work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
