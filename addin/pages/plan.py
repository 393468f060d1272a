"""Which pages a run shows, in which order, for each kind of output: one list, every writer.

* `REPORT` (`<stem>.report.xlsx`): Summary (all jobs), Validation, Scores, Flags; no legends,
  since nothing is marked in the input.
* `WORKBOOK` (--annotate, --in-place, the Excel buttons): the same pages as owned sheets of the
  user's workbook, with the legends of the marks, linking to the sheet titles actually used.
* `SUMMARY` (`<stem>.summary.xlsx`, the e-mail attachment): Summary, Scores (whole company
  only: it ranks every region) and Flags (a region's slice has only its complaints); never
  the log, so nothing links into it.
A page is built when first asked for and kept, so the report and the summary workbook of one
run share their Scores and Flags pages (the Flags page takes seconds at 100k rows).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from addin.core.job import Analysis
from addin.core.summary import Summary, region_flags
from addin.core.text import text
from addin.pages.flags import flags_content
from addin.pages.page import Page
from addin.pages.scores import scores_content
from addin.pages.summary import summary_content
from addin.pages.validation import validation_content


class Output(Enum):
    REPORT = "report"
    WORKBOOK = "workbook"
    SUMMARY = "summary"


class Role:
    """The owned-sheet roles, one per page kind (`addin.sheets.marks` records them in the workbook)."""

    SUMMARY = "summary"
    VALIDATION = "validation"
    SCORES = "scores"
    FLAGS = "flags"


@dataclass(frozen=True)
class Planned:
    """One page of a run: its role, the sheet title it asks for, and its content for the title it gets."""

    role: str
    wanted: str
    content: Callable[[str | None], Page]  # the sheet's actual title (None: the one asked for)


class Pages:
    """The pages of one analysis; each built once per title and output kind."""

    def __init__(self, analysis: Analysis) -> None:
        self.analysis = analysis
        self._built: dict[tuple[object, ...], Page] = {}

    def plan(self, output: Output, summary: Summary | None = None) -> list[Planned]:
        """The pages of `output`, in order; `summary` is a region's slice for `SUMMARY` (default: the whole)."""
        a = self.analysis
        summary = summary or a.summary
        if output is Output.SUMMARY:
            if summary is None or a.flags is None:
                return []
            pages = [self._planned(Role.SUMMARY, output, summary)]
            if summary.region is None and a.scores is not None:
                pages.append(self._planned(Role.SCORES, output))
            return [*pages, self._planned(Role.FLAGS, output, summary)]
        pages = [self._planned(Role.SUMMARY, output, summary)] if summary is not None else []
        if a.validated:
            pages.append(self._planned(Role.VALIDATION, output))
        if a.scores is not None:
            pages.append(self._planned(Role.SCORES, output))
        if a.flags is not None and a.outcome.log is not None:
            pages.append(self._planned(Role.FLAGS, output))
        return pages

    def _planned(self, role: str, output: Output, summary: Summary | None = None) -> Planned:
        wanted = text(f"sheet.{role}", self.analysis.outcome.lang)
        return Planned(role, wanted, lambda title: self._page(role, output, summary, title))

    def _page(self, role: str, output: Output, summary: Summary | None, title: str | None) -> Page:
        # The report and the summary workbook show the same Scores and Flags pages (no legend, own titles).
        shared = output is not Output.WORKBOOK and role in (Role.SCORES, Role.FLAGS)
        key = (role, "shared" if shared else output, title, summary.region if summary is not None else None)
        if key not in self._built:
            self._built[key] = self._build(role, output, summary, title)
        return self._built[key]

    def _build(self, role: str, output: Output, summary: Summary | None, title: str | None) -> Page:
        a = self.analysis
        outcome, lang, legend = a.outcome, a.outcome.lang, output is Output.WORKBOOK
        if role == Role.SUMMARY:
            assert summary is not None
            return summary_content(summary, owned=output is not Output.SUMMARY, sheet_name=title)
        if role == Role.VALIDATION:
            return validation_content(
                outcome.report, name=a.name, as_of=a.as_of, fields=outcome.fields, legend=legend, sheet_name=title
            )
        if role == Role.SCORES:
            assert a.scores is not None
            return scores_content(a.scores, name=a.name, as_of=a.as_of, lang=lang, sheet_name=title)
        assert a.flags is not None
        flags = a.flags if summary is None or summary.region is None else region_flags(a.flags, summary.region)
        id_column = outcome.log.column_of("complaint_id") if outcome.log else None
        return flags_content(flags, name=a.name, lang=lang, id_column=id_column, legend=legend, sheet_name=title)
