"""Results written into a user's workbook over a `Canvas`: owned sheets, marks, ⚑ columns, the ledger.

One sequence for both front ends: `addin.files.openpyxl_canvas` (the CLI's --annotate and
--in-place) and `addin.excel.canvas` (the buttons, through xlwings) only implement the Canvas.
"""
