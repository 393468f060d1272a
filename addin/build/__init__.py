"""Build steps for the Excel workbooks (VBA project, template, add-in)."""
