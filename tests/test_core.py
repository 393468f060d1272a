"""The core and the pages run a whole analysis with every I/O library blocked: no file, workbook or network code."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

from addin.core.job import ALL_JOBS, Job, Request, analyse, findings
from addin.pages.plan import Output, Pages
from tests.builders import AS_OF, log_grid, managers_records, response, survey_grid

BLOCKED = ("openpyxl", "xlsxwriter", "python_calamine", "xlwings", "click", "smtplib")

# Runs in a fresh interpreter: the blocked names raise ImportError on import (sys.modules[name] = None).
CHILD = """
import json, pickle, sys
for name in {blocked!r}:
    sys.modules[name] = None
from addin.core.job import ALL_JOBS, Request, analyse, findings
from addin.pages.plan import Output, Pages
sheets, as_of = pickle.load(open(sys.argv[1], "rb"))
found = analyse("log.xlsx", sheets, Request(as_of, ALL_JOBS))
pages = Pages(found)
titles = {{o.value: [p.content(None).name for p in pages.plan(o)] for o in Output}}
adapters = ("addin.files", "addin.mail", "addin.excel", "addin.sheets")
loaded = sorted(
    m for m, module in sys.modules.items()
    if module is not None and (m.split(".")[0] in {blocked!r} or m.startswith(adapters))
)
validation = pages.plan(Output.REPORT)[1].content(None).blocks[0].rows
print(json.dumps({{"findings": findings(found), "titles": titles, "loaded": loaded, "rows": validation}}))
"""


def sheets() -> dict[str, list[list[object]]]:
    responses = [response(n, region=("East", "West")[n % 2]) for n in range(1, 9)]
    return {"Complaints": log_grid(managers_records()), "Survey": survey_grid(responses)}


def test_a_whole_analysis_runs_with_the_io_libraries_blocked(tmp_path: Path) -> None:
    data = tmp_path / "sheets.pickle"
    data.write_bytes(pickle.dumps((sheets(), AS_OF)))
    script = CHILD.format(blocked=BLOCKED)
    child = subprocess.run([sys.executable, "-c", script, str(data)], capture_output=True, text=True, check=False)
    assert child.returncode == 0, child.stderr
    got = json.loads(child.stdout)
    assert got["loaded"] == []  # not even imported by accident
    here = analyse("log.xlsx", sheets(), Request(AS_OF, ALL_JOBS))
    assert got["findings"] == findings(here)
    assert got["findings"][0] == "0 errors, 0 warnings"
    assert got["titles"] == {
        "report": ["Summary", "Validation", "Scores", "Flags"],
        "workbook": ["Summary", "Validation", "Scores", "Flags"],
        "summary": ["Summary", "Scores", "Flags"],
    }
    assert [row[0] for row in got["rows"]] == ["No problems found."]  # the Validation page of this clean log


def test_the_blocking_itself_works(tmp_path: Path) -> None:
    """The child would fail loudly if the core imported one of them: check that the block does bite."""
    script = "import sys; sys.modules['openpyxl'] = None; import openpyxl"
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert child.returncode != 0 and "import of openpyxl halted" in child.stderr


def test_jobs_are_an_enum_and_strings_still_name_them() -> None:
    request = Request(AS_OF, ("validate", "flag"))  # type: ignore[arg-type]
    assert request.jobs == (Job.VALIDATE, Job.FLAG) and not request.complete
    found = analyse("log.xlsx", sheets(), request)
    assert found.scores is None and found.flags is not None and found.summary is None
    assert [p.role for p in Pages(found).plan(Output.REPORT)] == ["validation", "flags"]
    assert Pages(found).plan(Output.SUMMARY) == []
