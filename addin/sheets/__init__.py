"""Results written into a user's workbook over a `Canvas`: owned sheets, marks, ⚑ columns, the ledger.

One sequence for both front ends: `addin.files.package_canvas` (the CLI's --annotate and
--in-place, on the workbook's zip package) and `addin.excel.canvas` (the buttons, through
xlwings) only implement the Canvas.
"""
