"""The committed template and add-in: rebuilt identically, VBA readable by olevba, buttons and ribbon wired."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pytest
from click.testing import CliRunner
from oletools.olevba import VBA_Parser

from addin.build.workbooks import BUTTONS, MACROS, build, xlwings_modules
from addin.cli import cli
from addin.excel import buttons as excel

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "workbooks" / "complaints_template.xlsm"
ADDIN = ROOT / "workbooks" / "ComplaintDesk.xlam"
UI_NS = "{http://schemas.microsoft.com/office/2006/01/customui}"
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _code(text: str) -> str:
    """Module text as olevba shows it: LF line ends, no Attribute lines, no class header."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].startswith("VERSION 1.0 CLASS"):
        lines = lines[lines.index("END") + 1 :]
    return "\n".join(line for line in lines if not line.startswith("Attribute VB_")).strip()


def _modules(path: Path) -> dict[str, str]:
    parser = VBA_Parser(str(path))
    try:
        return {Path(name).stem: _code(code) for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def _subs(code: str) -> set[str]:
    return set(re.findall(r"^Public Sub (\w+)\(", code, flags=re.MULTILINE))


def test_build_is_reproducible_and_matches_the_committed_files(tmp_path: Path) -> None:
    first, second = build(tmp_path / "a"), build(tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert (tmp_path / "a" / TEMPLATE.name).read_bytes() == TEMPLATE.read_bytes(), "run: python -m addin.build"
    assert (tmp_path / "a" / ADDIN.name).read_bytes() == ADDIN.read_bytes(), "run: python -m addin.build"


@pytest.mark.parametrize(("path", "own"), [(TEMPLATE, "Buttons"), (ADDIN, "Ribbon")])
def test_olevba_reads_back_every_module(path: Path, own: str) -> None:
    modules = _modules(path)
    assert modules[own] == _code((MACROS / f"{own}.bas").read_text(encoding="utf-8"))
    for module in xlwings_modules():
        assert modules[module.name] == _code(module.code), module.name
    assert "ThisWorkbook" in modules and "Sheet1" in modules


def test_every_button_runs_an_existing_macro() -> None:
    subs = _subs(_modules(TEMPLATE)["Buttons"])
    with zipfile.ZipFile(TEMPLATE) as package:
        vml = "".join(package.read(n).decode() for n in package.namelist() if n.startswith("xl/drawings/vml"))
    wired = re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)
    assert sorted(wired) == sorted(b.macro for b in BUTTONS)
    assert set(wired) <= subs
    for sub in subs:  # each one line: RunPython on a function that exists
        body = _modules(TEMPLATE)["Buttons"].split(f"Public Sub {sub}()")[1].split("End Sub")[0]
        function = re.search(r"addin\.excel\.(\w+)\(", body).group(1)  # type: ignore[union-attr]
        assert callable(getattr(excel, function))


def test_ribbon_is_well_formed_and_every_action_exists() -> None:
    with zipfile.ZipFile(ADDIN) as package:
        types = package.read("[Content_Types].xml").decode()
        rels = package.read("_rels/.rels").decode()
        ui = ElementTree.fromstring(package.read("customUI/customUI.xml"))
    assert "application/vnd.ms-excel.addin.macroEnabled.main+xml" in types
    assert 'Target="customUI/customUI.xml"' in rels and "2006/relationships/ui/extensibility" in rels
    assert ui.tag == f"{UI_NS}customUI"
    tab = ui.find(f".//{UI_NS}tab")
    assert tab is not None and tab.get("label") == "Complaints"
    buttons = ui.findall(f".//{UI_NS}button")
    assert [b.get("label") for b in buttons] == [b.caption for b in BUTTONS]
    assert all(b.get("imageMso") for b in buttons)
    code = _modules(ADDIN)["Ribbon"]
    for button in buttons:
        action = button.get("onAction")
        assert re.search(rf"^Public Sub {action}\(control As IRibbonControl\)", code, flags=re.MULTILINE), action
    assert "ActiveWorkbook" in code and code.count('(active=True)"') == len(buttons)


def test_template_opens_with_openpyxl_and_the_cli_processes_it(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(TEMPLATE, keep_vba=True)
    assert {"Complaints", "Survey", "Settings", "Recipients", "Instructions", "xlwings.conf"} <= set(wb.sheetnames)
    conf = {row[0]: row[1] for row in wb["xlwings.conf"].iter_rows(values_only=True)}
    assert "Interpreter_Win" in conf and "Interpreter_Mac" in conf
    result = CliRunner().invoke(cli, ["run", str(TEMPLATE), "--out", str(tmp_path), "--as-of", "2026-11-21T09:00"])
    assert result.exit_code == 1, result.output  # the example rows carry planted problems
    assert "errors" in result.output and "overdue" in result.output
    refused = CliRunner().invoke(cli, ["validate", str(TEMPLATE), "--annotate", "--out", str(tmp_path)])
    assert refused.exit_code == 3 and "form controls" in refused.output  # openpyxl would drop the buttons


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")
def test_libreoffice_imports_the_macros_and_wires_the_buttons(tmp_path: Path) -> None:
    subprocess.run(
        [SOFFICE, "--headless", "--convert-to", "ods", "--outdir", str(tmp_path), str(TEMPLATE)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    with zipfile.ZipFile(tmp_path / "complaints_template.ods") as ods:
        names = ods.namelist()
        content = ods.read("content.xml").decode()
        basic = ods.read("Basic/VBAProject/Buttons.xml").decode()
    modules = {Path(n).stem for n in names if n.startswith("Basic/VBAProject/") and not n.endswith("script-lb.xml")}
    assert {"Buttons", "xlwings", "Dictionary", "ThisWorkbook"} <= modules
    subs = set(re.findall(r"Public Sub (\w+)\(", basic))
    events = re.findall(r"vnd\.sun\.star\.script:VBAProject\.Buttons\.(\w+)\?language=Basic", content)
    assert sorted(events) == sorted(b.macro for b in BUTTONS)
    assert set(events) <= subs


@pytest.mark.skipif(SOFFICE is None or shutil.which("pdftotext") is None, reason="needs LibreOffice and poppler")
def test_libreoffice_draws_the_buttons(tmp_path: Path) -> None:
    """Buttons are not printed (as Excel's default); a copy marked printable shows them in a PDF render."""
    printable = tmp_path / "printable.xlsm"
    with zipfile.ZipFile(TEMPLATE) as source, zipfile.ZipFile(printable, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/drawings/vml"):
                data = data.replace(b"<x:PrintObject>False</x:PrintObject>", b"")
            target.writestr(info, data)
    subprocess.run(
        [SOFFICE, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(printable)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    text = subprocess.run(
        ["pdftotext", "-l", "6", str(tmp_path / "printable.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    for button in BUTTONS:
        assert button.caption in text, button.caption
