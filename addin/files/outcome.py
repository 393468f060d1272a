"""What the CLI shows of one file, made where the file was processed (a child process, `addin.files.isolation`).

Only this small, picklable record crosses back to the parent: the output line, the `--json`
entry, the notes and whether validation found errors; the analysis itself stays in the child.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from addin.core.job import findings
from addin.files.run import FileResult, Options, process_file
from addin.pages.flags_json import as_dict as flags_dict
from addin.pages.scores_json import as_dict


@dataclass(frozen=True)
class Outcome:
    path: Path
    line: str
    notes: tuple[str, ...]
    errors: bool  # validation found errors (exit 1)
    entry: dict[str, object] = field(default_factory=dict)  # the --json entry, when asked for


def check_file(path: Path, options: Options, jobs: tuple[str, ...], as_json: bool) -> Outcome:
    """Process one workbook (`addin.files.run.process_file`) and keep what the CLI shows."""
    result = process_file(path, options)
    outputs = ", ".join(str(p) for p in result.outputs.values())
    return Outcome(
        path=path,
        line=f"{path}: {'; '.join(findings(result))} -> {outputs}",
        notes=tuple(str(n) for n in result.notes),
        errors="validate" in jobs and bool(result.outcome.report.errors),
        entry=json_entry(result, jobs) if as_json else {},
    )


def json_entry(r: FileResult, jobs: tuple[str, ...]) -> dict[str, object]:
    entry: dict[str, object] = {"path": str(r.path), "lang": r.outcome.lang}
    if "validate" in jobs:
        entry |= _validation_json(r)
    if "score" in jobs:
        entry |= {"groups": [], "drivers": []} if r.scores is None else as_dict(r.scores)
    if "flag" in jobs and r.flags is not None:
        log = r.outcome.log
        id_column = log.column_of("complaint_id") if log else None
        entry |= flags_dict(r.flags, id_column=id_column, lang=r.outcome.lang)
    entry["outputs"] = {k: str(v) for k, v in r.outputs.items()}
    entry["notes"] = [str(n) for n in r.notes]
    return entry


def _validation_json(r: FileResult) -> dict[str, object]:
    report, log, survey = r.outcome.report, r.outcome.log, r.outcome.survey
    return {
        "errors": report.errors,
        "warnings": report.warnings,
        "problems": [p.as_dict(report.lang) for p in report.sorted()],
        "counts": report.counts(),
        "log": {"sheet": log.sheet, "header_row": log.header_row, "rows": log.row_count} if log else None,
        "survey": {"sheet": survey.sheet, "header_row": survey.header_row, "rows": survey.row_count}
        if survey
        else None,
    }
