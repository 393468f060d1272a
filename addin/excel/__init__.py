"""The Excel front end: `buttons` (the functions behind each button and ribbon action), `canvas`
(the xlwings Canvas) and `job` (what buttons and xlwings Lite share). The macros call
`addin.excel.<function>`; those names are looked up on first use, so importing the canvas or
`addin.lite` (in Pyodide) does not import the buttons and their e-mail code.
"""

from __future__ import annotations

from typing import Any

__all__ = ["email_summary", "flags", "press", "run_all", "scores", "validate_log"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from addin.excel import buttons

        return getattr(buttons, name)
    raise AttributeError(f"module 'addin.excel' has no attribute {name!r}")
