"""matplotlib for the plotting scripts, from whichever python3 has it.

The scripts start under `python3` from PATH (#!/usr/bin/env python3). That may
be a pyenv/venv interpreter without matplotlib while Debian's python3 has
python3-matplotlib (scripts/setup.sh --extras), or the other way round. So:
use the running interpreter when it can import matplotlib, else re-run the
script once under the first other python3 that can, else stop with a message
naming the interpreter that was tried.
"""
import os
import shutil
import subprocess
import sys

_REEXEC_FLAG = "RESPECT_PLOT_REEXEC"


def _can_import(python):
    try:
        return subprocess.run([python, "-c", "import matplotlib"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, timeout=60).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def pyplot(tool, required=True):
    """matplotlib.pyplot with the Agg backend. Without matplotlib in any python3:
    exit with a one-line message, or return None when not `required`."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        return plt
    except ImportError as e:
        error = e
    if not os.environ.get(_REEXEC_FLAG):
        me = os.path.realpath(sys.executable)
        for cand in ("/usr/bin/python3", shutil.which("python3")):
            if cand and os.path.exists(cand) and os.path.realpath(cand) != me and _can_import(cand):
                os.environ[_REEXEC_FLAG] = "1"
                os.execv(cand, [cand] + sys.argv)
    if not required:
        return None
    sys.exit(f"{tool}: matplotlib is not importable by {sys.executable} ({error}); install it "
             "(Debian: scripts/setup.sh --extras; elsewhere: python3 -m pip install matplotlib)")
