"""What the benchmark scripts share: their command line, child processes, and the timing record."""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def arguments(doc: str | None, extra: Sequence[tuple[str, str]] = ()) -> argparse.Namespace:
    """--rows, --repeat, --keep, the `extra` flags (name, help), and the hidden --child KIND PATH OUT a
    script re-invokes itself with."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, help_text in extra:
        parser.add_argument(name, action="store_true", help=help_text)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Keep the generated workbook and outputs in this folder.")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    return parser.parse_args()


def folder(args: argparse.Namespace, prefix: str) -> Path:
    path = args.keep or Path(tempfile.mkdtemp(prefix=prefix))
    path.mkdir(parents=True, exist_ok=True)
    return path


def report(seconds: float, extra: dict[str, object] | None = None) -> None:
    """Print a child's wall time and peak resident memory as JSON (the parent reads the last line).

    The peak is the larger of this process's and its children's: the CLI does each file's work
    in a child process of its own (`addin.files.isolation`).
    """
    peak = max(_own_peak_kb(), resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({"seconds": seconds, "peak_mb": peak / 1024, **(extra or {})}))


def _own_peak_kb() -> int:
    """This process's peak resident memory in KiB. On Linux from VmHWM: `ru_maxrss` survives `exec`, so a
    child would report its parent's peak (the benchmark's own, after generating the workbooks) as its own."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure(script: str, kind: str, path: Path, out: Path) -> dict[str, Any]:
    """Run one job of `script` in a fresh child process, so its peak memory is its own; the last line
    the job wrote on stderr comes back as `stderr` (why a file was refused)."""
    done = subprocess.run(
        [sys.executable, script, "--child", kind, str(path), str(out)], capture_output=True, text=True, check=True
    )
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "stderr": lines[-1] if lines else ""}
