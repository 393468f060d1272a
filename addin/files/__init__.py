"""Workbook files: the calamine reader, the XlsxWriter report, the openpyxl canvas for annotate and
in-place, the safety check before a write, atomic outputs and backups, and one file's run.
"""
