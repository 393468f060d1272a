"""The Excel buttons: `buttons` (the functions behind each button and ribbon action) and `canvas`
(the xlwings Canvas). The macros call `addin.excel.<function>`, so the entry points are here.
"""

from addin.excel.buttons import email_summary, flags, press, run_all, scores, validate_log

__all__ = ["email_summary", "flags", "press", "run_all", "scores", "validate_log"]
