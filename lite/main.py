"""Complaint Desk for xlwings Lite: paste this file into the Lite editor's main.py tab, and
lite/requirements.txt into its requirements.txt tab (see the README, "Excel quickstart").

Each script is one of the desktop buttons: the same checks, the same owned sheets, marks and
flag columns as `complaints run --annotate`, and one alert with the result. The work is done by
`addin.lite` (installed from requirements.txt); nothing here needs changing.
"""

import xlwings as xw
from xlwings import script

from addin import lite


@script(name="Validate log")
def validate_log(book: xw.Book):
    """The Validation sheet and marks on the log."""
    lite.validate_log(book)


@script(name="Scores")
def scores(book: xw.Book):
    """The Scores sheet."""
    lite.scores(book)


@script(name="Flags")
def flags(book: xw.Book):
    """The Flags sheet, flag columns and row colours on the log."""
    lite.flags(book)


@script(name="Run all")
def run_all(book: xw.Book):
    """All three and the Summary sheet, as `complaints run`."""
    lite.run_all(book)
