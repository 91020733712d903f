"""pytest set-up for the Python API tests (scripts/test.sh runs them).

The module and the CLI come from one build directory: $RESPECT_BUILD_DIR, else
<checkout>/build. Its python/ folder goes first on sys.path, so the tests load
this checkout's module whatever respect_opt.pth (scripts/build.sh) points to.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

SOURCE_DIR = Path(__file__).resolve().parents[2]
BUILD_DIR = Path(os.environ.get("RESPECT_BUILD_DIR", SOURCE_DIR / "build")).resolve()
MODULE_DIR = BUILD_DIR / "python"
CLI = BUILD_DIR / "respect-opt"

if not list(MODULE_DIR.glob("respect_opt*.so")):
    raise RuntimeError(f"no respect_opt module in {MODULE_DIR}: build with scripts/build.sh "
                       "(needs pybind11: scripts/setup.sh)")
sys.path.insert(0, str(MODULE_DIR))


def run_cli(*args, cwd=None):
    """Runs build/respect-opt with `args`; returns the CompletedProcess."""
    if not CLI.exists():
        raise RuntimeError(f"no {CLI}: build with scripts/build.sh")
    return subprocess.run([str(CLI), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300)


def cli_error(*args):
    """The one error line the CLI prints for `args`, without 'respect-opt: error: '."""
    p = run_cli(*args)
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    lines = p.stderr.strip().splitlines()
    assert len(lines) == 1, p.stderr
    prefix = "respect-opt: error: "
    assert lines[0].startswith(prefix), lines[0]
    return lines[0][len(prefix):]


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture
def cli_error_line():
    return cli_error
