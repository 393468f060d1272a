"""`python -m addin.build [--out DIR]`: rebuild the template workbook and the add-in (see workbooks.py)."""

from __future__ import annotations

import argparse
from pathlib import Path

from addin.build.workbooks import ROOT, build


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m addin.build", description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "workbooks", help="folder for the two files")
    for path in build(parser.parse_args().out):
        print(path)


if __name__ == "__main__":
    main()
