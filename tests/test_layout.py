"""The package keeps the shape docs/architecture.md describes: small modules and functions, a core without adapters."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ADDIN = Path(__file__).parent.parent / "addin"
MODULES = sorted(ADDIN.rglob("*.py"))
MAX_MODULE_LINES, MAX_FUNCTION_LINES = 400, 50  # /work/shared/STYLE.md: modules under ~400, functions under ~50
ADAPTERS = ("addin.files", "addin.sheets", "addin.excel", "addin.mail", "addin.cli", "addin.build", "addin.lite")


def name(path: Path) -> str:
    return str(path.relative_to(ADDIN.parent))


@pytest.mark.parametrize("path", MODULES, ids=name)
def test_modules_and_functions_stay_small(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert source.count("\n") <= MAX_MODULE_LINES, f"{name(path)}: split it along a seam"
    long = [
        f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert not long, f"{name(path)}: {long}"


@pytest.mark.parametrize("path", [p for p in MODULES if p.parent.name in ("core", "text", "pages")], ids=name)
def test_core_and_pages_import_no_adapter(path: Path) -> None:
    """The core imports nothing but itself; the pages only the core (and themselves)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    allowed = ("addin.core",) if path.parent.name in ("core", "text") else ("addin.core", "addin.pages")
    wrong = sorted(m for m in imported if m.startswith("addin") and not m.startswith(allowed))
    assert not wrong, f"{name(path)} imports {wrong}"
    assert not [m for m in imported if m.startswith(ADAPTERS)]
