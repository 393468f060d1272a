"""Workbook files: the calamine reader, the XlsxWriter report, the package editor for annotate and
in-place (the package canvas and writer), atomic outputs and backups, and one file's run.
"""
