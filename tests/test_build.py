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

from addin.build.workbooks import (
    ADDIN_TYPE,
    BUTTONS,
    MACRO_TYPE,
    MACROS,
    XLWINGS,
    XLWINGS_CONF_KEYS,
    build,
    xlwings_modules,
)
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


@pytest.mark.parametrize(("path", "own", "addin"), [(TEMPLATE, "Buttons", False), (ADDIN, "Ribbon", True)])
def test_olevba_reads_back_every_module(path: Path, own: str, addin: bool) -> None:
    modules = _modules(path)
    assert modules[own] == _code((MACROS / f"{own}.bas").read_text(encoding="utf-8"))
    for module in xlwings_modules(addin=addin):
        assert modules[module.name] == _code(module.code), module.name
    assert "ThisWorkbook" in modules and "Sheet1" in modules


def _xlwings_bas(name: str) -> str:
    return _code((XLWINGS / name).read_text(encoding="utf-8"))


def test_the_template_embeds_the_standalone_module_and_the_addin_the_custom_addin_module() -> None:
    """The add-in's RunPython must name ActiveWorkbook (Book.caller() is the user's workbook; macOS does
    not list a loaded add-in in app.books); only PROJECT_NAME differs from xlwings' file, so that the
    config sheet and the user's config file are xlwings.conf as in the template."""
    template, addin = _modules(TEMPLATE)["xlwings"], _modules(ADDIN)["xlwings"]
    assert template == _xlwings_bas("xlwings.bas")
    custom = _xlwings_bas("xlwings_custom_addin.bas").split("\n")
    changed = [i for i, (a, b) in enumerate(zip(custom, addin.split("\n"), strict=True)) if a != b]
    assert [custom[i] for i in changed] == ['Public Const PROJECT_NAME As String = "myaddin"']
    assert [addin.split("\n")[i] for i in changed] == ['Public Const PROJECT_NAME As String = "xlwings"']
    assert 'ParameterString = ParameterString + "|" + ActiveWorkbook.Name' in addin  # macOS
    assert '" --wb=" & """" & ActiveWorkbook.Name' in addin  # Windows
    assert "ThisWorkbook.Name" in template and "ActiveWorkbook.Name" not in template
    assert 'PROJECT_NAME As String = "xlwings"' in template


def _config_sheet(path: Path, tmp_path: Path) -> list[tuple[object, ...]]:
    """The sheet's rows, through openpyxl, which reads an add-in once it is labelled a workbook."""
    copy = tmp_path / f"{path.stem}.xlsm"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(copy, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, data.replace(ADDIN_TYPE.encode(), MACRO_TYPE.encode()))
    return list(openpyxl.load_workbook(copy)["xlwings.conf"].iter_rows(values_only=True))


def _get_config_from_sheet(rows: list[tuple[object, ...]]) -> dict[str, object]:
    """xlwings' GetConfigFromSheet: keys (upper-cased) from A1 to A1.End(xlDown), or A1 alone if A2 is empty."""
    cells = [(row + (None, None))[:2] for row in rows] + [(None, None)] * 2
    filled = [key not in (None, "") for key, _ in cells]
    last = 0
    if filled[1]:  # Ctrl+Down from A1: to the end of its run, or from an empty A1 to the next filled cell
        last = 1
        while filled[0] and last + 1 < len(cells) and filled[last + 1]:
            last += 1
    return {str(key or "").upper(): value for key, value in cells[: last + 1]}


@pytest.mark.parametrize("path", [TEMPLATE, ADDIN], ids=["template", "add-in"])
def test_the_config_sheet_hides_nothing_from_the_users_config_file(path: Path, tmp_path: Path) -> None:
    """A key on the sheet ends GetConfig's lookup even when empty, so the block xlwings reads holds no
    key without a value (none at all by default); the keys are documented in columns xlwings ignores."""
    rows = _config_sheet(path, tmp_path)
    settings = _get_config_from_sheet(rows)
    assert all(value not in (None, "") for key, value in settings.items() if key), settings
    assert set(settings) == {""}  # no setting by default: xlwings' defaults, then the user's file
    documented = [row[3] for row in rows if len(row) > 3 and row[3]]
    assert {key for key, _, _ in XLWINGS_CONF_KEYS} <= set(documented)
    assert {"Interpreter_Win", "Interpreter_Mac"} <= set(documented)
    assert any("hides the same key" in str(line) for line in documented)


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
    assert "ActiveWorkbook" in code and "active=True" not in code  # Book.caller() is the active workbook
    for action in (b.get("onAction") for b in buttons):
        body = code.split(f"Public Sub {action}(")[1].split("End Sub")[0]
        call = re.search(r'RunPython "import addin\.excel; addin\.excel\.(\w+)\(\)"', body)
        assert call is not None and callable(getattr(excel, call.group(1))), action


def test_template_opens_with_openpyxl_and_the_cli_processes_and_annotates_it(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(TEMPLATE, keep_vba=True)
    assert {"Complaints", "Survey", "Settings", "Recipients", "Instructions", "xlwings.conf"} <= set(wb.sheetnames)
    result = CliRunner().invoke(cli, ["run", str(TEMPLATE), "--out", str(tmp_path), "--as-of", "2026-11-21T09:00"])
    assert result.exit_code == 1, result.output  # the example rows carry planted problems
    assert "errors" in result.output and "overdue" in result.output
    marked = CliRunner().invoke(cli, ["validate", str(TEMPLATE), "--annotate", "--out", str(tmp_path)])
    assert marked.exit_code == 1, marked.output  # annotated (the planted problems make it exit 1)
    annotated = tmp_path / "complaints_template.annotated.xlsm"
    with zipfile.ZipFile(TEMPLATE) as before, zipfile.ZipFile(annotated) as after:
        assert before.read("xl/vbaProject.bin") == after.read("xl/vbaProject.bin")
        buttons = re.findall(rb"<v:shape\b.*?</v:shape>", before.read("xl/drawings/vmlDrawing1.vml"), re.S)
        notes = after.read("xl/drawings/vmlDrawing1.vml")  # the buttons' drawing gains the shapes of our notes
        assert len(buttons) == len(BUTTONS) and all(shape in notes for shape in buttons)
    assert "Complaints" in openpyxl.load_workbook(annotated, keep_vba=True).sheetnames


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
