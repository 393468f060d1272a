from __future__ import annotations

import random
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import olefile
import pytest
import xlwings
from oletools.olevba import VBA_Parser, VBA_Project, decompress_stream

from addin.build.ovba import Module, _compound_file, compress, decompress, document_module, vba_project

XLWINGS = Path(xlwings.__file__).parent
XLWINGS_BAS = (XLWINGS / "xlwings.bas").read_text(encoding="cp1252")
DICTIONARY_CLS = (XLWINGS / "addin" / "Dictionary.cls").read_text(encoding="cp1252")
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
SHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
RED, BLACK = 0, 1  # MS-CFB 2.6.1 directory entry colour flag
# LF endings and no Attribute VB_Name line, both of which vba_project supplies; > 4 KB for several chunks.
BUTTONS = "".join(
    f'Sub Button{i}()\n    RunPython "import addin.excel; addin.excel.button({i})"\nEnd Sub\n' for i in range(60)
)
MODULES = [
    document_module("ThisWorkbook", WORKBOOK_BASE),
    document_module("Sheet1", SHEET_BASE),
    Module("Buttons", BUTTONS, "standard"),
    Module("Dictionary", DICTIONARY_CLS, "class"),
    Module("xlwings", XLWINGS_BAS, "standard"),
]


# -- Compression ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "compressed"),
    [
        (b"abcdefghijklmnopqrstuv.", "0119B000616263646566676800696A6B6C6D6E6F70007172737475762E"),  # 3.2.1
        (
            b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",  # 3.2.2
            "012FB000236161616263646582660070616768696A013808616B6C00206D6E6F700671027004007273747576107778797A002C",
        ),
        (b"a" * 73, "0103B002614500"),  # 3.2.3
    ],
)
def test_the_examples_of_the_specification(text: bytes, compressed: str) -> None:
    """MS-OVBA section 3.2, byte for byte."""
    assert compress(text) == bytes.fromhex(compressed)
    assert decompress(bytes.fromhex(compressed)) == text


def _max_length_runs() -> bytes:
    """One chunk per bit count 5..12: a prefix that puts the next copy token at that bit count, then a
    run long enough for a token of the maximum length, (0xFFFF >> bits) + 3, which the run's
    'ab' pattern at offset 2 then uses. (Bit count 4 can't reach its maximum of 4098 in a chunk.)"""
    rng = random.Random(7)
    chunks = []
    for bits in range(5, 13):
        prefix = bytes(rng.randrange(128, 256) for _ in range(2 ** (bits - 1) - 1))
        chunks.append((prefix + b"ab" * 2048)[:4096])
    return b"".join(chunks)


ROUND_TRIPS = {
    "empty": b"",
    "one byte": b"a",
    "random 4096": random.Random(1).randbytes(4096),
    "random 4097": random.Random(2).randbytes(4097),
    "random 10000": random.Random(3).randbytes(10000),
    "repetitive": b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa" * 200,
    "100 KB of one byte": b"x" * 100_000,
    "ab repeated": b"ab" * 2500,
    "maximum lengths": _max_length_runs(),
    "xlwings.bas": XLWINGS_BAS.encode("cp1252"),
    "Dictionary.cls": DICTIONARY_CLS.encode("cp1252"),
}


@pytest.mark.parametrize("data", ROUND_TRIPS.values(), ids=ROUND_TRIPS.keys())
def test_round_trip_through_both_decompressors(data: bytes) -> None:
    compressed = compress(data)
    assert decompress(compressed) == data
    assert decompress_stream(bytearray(compressed)) == data  # oletools: an independent reading of the spec


def _copy_tokens(container: bytes) -> list[tuple[int, int]]:
    """(bit count, length) of every copy token, read independently of decompress()."""
    tokens, pos = [], 1
    while pos < len(container):
        (header,) = struct.unpack_from("<H", container, pos)
        end, pos, produced = pos + 3 + (header & 0x0FFF), pos + 2, 0
        while header & 0x8000 and pos < end:
            flags, pos = container[pos], pos + 1
            for bit in range(8):
                if pos >= end:
                    break
                if flags >> bit & 1:
                    bits = max(4, (produced - 1).bit_length())
                    length = (struct.unpack_from("<H", container, pos)[0] & (0xFFFF >> bits)) + 3
                    tokens.append((bits, length))
                    pos, produced = pos + 2, produced + length
                else:
                    pos, produced = pos + 1, produced + 1
        pos = end
    return tokens


def test_copy_tokens_reach_the_maximum_length_of_each_bit_count() -> None:
    """The bug of ms-ovba-compression 1.0.1 was a wrong maximum; here every maximum is used and read back."""
    tokens = _copy_tokens(compress(ROUND_TRIPS["maximum lengths"]))
    assert all(length <= (0xFFFF >> bits) + 3 for bits, length in tokens)
    assert {bits for bits, length in tokens if length == (0xFFFF >> bits) + 3} == set(range(5, 13))


def _chunk_headers(container: bytes) -> list[int]:
    headers, pos = [], 1
    while pos < len(container):
        (header,) = struct.unpack_from("<H", container, pos)
        headers.append(header)
        pos += 3 + (header & 0x0FFF)
    return headers


def test_incompressible_chunks_are_stored_raw() -> None:
    headers = _chunk_headers(compress(ROUND_TRIPS["random 10000"]))
    assert headers[:2] == [0x3FFF, 0x3FFF]  # raw: flag 0, signature 0b011, 4096 bytes
    assert headers[2] & 0x8000  # the short last chunk still fits compressed


def test_a_short_raw_last_chunk_is_padded_as_the_specification_says() -> None:
    """2.4.1.3.10: a raw chunk always holds 4096 bytes, so a short one decompresses with trailing zeros."""
    data = random.Random(4).randbytes(4000)
    compressed = compress(data)
    assert _chunk_headers(compressed) == [0x3FFF]
    assert decompress(compressed) == data + bytes(96)


@pytest.mark.parametrize(
    ("container", "message"),
    [(b"", "signature"), (b"\x02\x00\xb0\x00", "signature"), (b"\x01\x00\x80", "chunk signature")],
)
def test_malformed_containers_are_refused(container: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        decompress(container)


def test_a_copy_token_before_its_chunk_is_refused() -> None:
    with pytest.raises(ValueError, match="before its chunk"):
        decompress(b"\x01\x02\xb0\x01\x00\x00")


# -- The project, read back by olefile and olevba --------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("vba") / "vbaProject.bin"
    path.write_bytes(vba_project(MODULES))
    return path


def _normalised(code: str) -> list[str]:
    lines = code.replace("\r\n", "\n").split("\n")
    if lines[0].startswith("VERSION "):
        lines = lines[lines.index("END") + 1 :]
    return [line for line in lines if not line.startswith("Attribute VB_")]


def test_olefile_reads_the_compound_file_without_complaint(project: Path) -> None:
    with olefile.OleFileIO(str(project), raise_defects=olefile.DEFECT_UNSURE) as ole:
        assert ole.parsing_issues == []
        streams = ole.listdir()
        assert ole.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")
    assert sorted(streams) == sorted(
        [["PROJECT"], ["PROJECTwm"], ["VBA", "_VBA_PROJECT"], ["VBA", "dir"]] + [["VBA", m.name] for m in MODULES]
    )


def test_olevba_extracts_every_module_with_its_code(project: Path) -> None:
    extracted = {name: (stream, code) for _, stream, name, code in VBA_Parser(str(project)).extract_macros()}
    expected = {"ThisWorkbook.cls", "Sheet1.cls", "Buttons.bas", "Dictionary.cls", "xlwings.bas"}
    assert set(extracted) == expected
    for module in MODULES:
        stream, code = extracted[f"{module.name}.{'bas' if module.kind == 'standard' else 'cls'}"]
        assert stream == f"VBA/{module.name}"
        assert _normalised(code) == _normalised(module.code), module.name


def test_the_dir_stream_passes_olevbas_strict_checks(project: Path) -> None:
    with olefile.OleFileIO(str(project)) as ole:
        parsed = VBA_Project(ole, "", "PROJECT", "VBA/dir", relaxed=False)  # relaxed=False: raise, don't log
        parsed.parse_project_stream()
        list(parsed.parse_modules())
        assert parsed.dir_stream.read() == b"\x10\x00" + bytes(4)  # the dir terminator, and nothing after it
    assert (parsed.syskind, parsed.codepage, parsed.projectname) == (3, 1252, "VBAProject")
    assert [(m.name, m.streamname, m.type, m.textoffset) for m in parsed.modules] == [
        ("ThisWorkbook", "ThisWorkbook", 0x22, 0),
        ("Sheet1", "Sheet1", 0x22, 0),
        ("Buttons", "Buttons", 0x21, 0),
        ("Dictionary", "Dictionary", 0x22, 0),
        ("xlwings", "xlwings", 0x21, 0),
    ]


def test_modules_are_stored_as_office_stores_them(project: Path) -> None:
    """The class module matches, byte for byte, the one Excel saved in xlwings' own add-in."""
    addin = {name: code for _, _, name, code in VBA_Parser(str(XLWINGS / "addin" / "xlwings.xlam")).extract_macros()}
    ours = {name: code for _, _, name, code in VBA_Parser(str(project)).extract_macros()}
    assert ours["Dictionary.cls"] == addin["Dictionary.cls"]
    assert ours["Buttons.bas"].startswith('Attribute VB_Name = "Buttons"\r\nSub Button0()\r\n')
    assert ours["ThisWorkbook.cls"] == "".join(
        f"Attribute {line}\r\n"
        for line in [
            'VB_Name = "ThisWorkbook"',
            f'VB_Base = "{WORKBOOK_BASE}"',
            "VB_GlobalNameSpace = False",
            "VB_Creatable = False",
            "VB_PredeclaredId = True",
            "VB_Exposed = True",
            "VB_TemplateDerived = False",
            "VB_Customizable = True",
        ]
    )


def _decrypt(text: str) -> tuple[int, bytes]:
    """MS-OVBA 2.4.3.3 Decryption: (project key, data)."""
    encrypted = bytes.fromhex(text)
    seed, version_enc, key_enc = encrypted[:3]
    assert seed ^ version_enc == 2
    plain, enc1, enc2, out = seed ^ key_enc, key_enc, version_enc, bytearray()
    for enc in encrypted[3:]:
        out.append(enc ^ ((enc2 + plain) & 0xFF))
        plain, enc2, enc1 = out[-1], enc1, enc
    ignored = (seed & 6) >> 1
    (length,) = struct.unpack_from("<I", out, ignored)
    assert len(out) == ignored + 4 + length
    return seed ^ key_enc, bytes(out[ignored + 4 :])


@pytest.mark.parametrize(
    ("encrypted", "data"),
    [("A7A58C2B7CDD73E173E173E173E1", bytes(4)), ("A2A089308531853185", b"\x00"), ("9D9FB6314A2D4B2D4BD2", b"\xff")],
)
def test_the_decryption_of_these_tests_reads_what_excel_wrote(encrypted: str, data: bytes) -> None:
    """CMG, DPB and GC from xlwings' quickstart.xlsm, project ID {E2E0E410-BF04-4DC5-BDD2-D3FBBA8B7D37}."""
    assert _decrypt(encrypted) == (sum(b"{E2E0E410-BF04-4DC5-BDD2-D3FBBA8B7D37}") & 0xFF, data)


def test_the_project_stream(project: Path) -> None:
    with olefile.OleFileIO(str(project)) as ole:
        text = ole.openstream("PROJECT").read().decode("cp1252")
        name_map = ole.openstream("PROJECTwm").read()
    lines = text.split("\r\n")
    assert lines[1:6] == [
        "Document=ThisWorkbook/&H00000000",
        "Document=Sheet1/&H00000000",
        "Module=Buttons",
        "Class=Dictionary",
        "Module=xlwings",
    ]
    properties = dict(line.split("=", 1) for line in lines[:12])
    key = sum(properties["ID"].strip('"').encode("ascii")) & 0xFF
    assert _decrypt(properties["CMG"].strip('"')) == (key, bytes(4))  # not protected
    assert _decrypt(properties["DPB"].strip('"')) == (key, b"\x00")  # no password
    assert _decrypt(properties["GC"].strip('"')) == (key, b"\xff")  # visible
    assert lines[6:9] == ['Name="VBAProject"', 'HelpContextID="0"', 'VersionCompatible32="393222000"']
    assert lines[12:] == [
        "",
        "[Host Extender Info]",
        "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
        "",
        "[Workspace]",
        *[f"{m.name}=0, 0, 0, 0, C" for m in MODULES],
        "",
    ]
    assert name_map.startswith(b"ThisWorkbook\0" + "ThisWorkbook".encode("utf-16-le") + b"\0\0Sheet1\0")
    assert name_map.endswith(b"xlwings\0" + "xlwings".encode("utf-16-le") + b"\0\0\0\0")


def _sibling_tree(ole: olefile.OleFileIO, sid: int) -> tuple[list[str], int]:
    """In-order names and black height of a sibling tree, asserting the red-black rules on the way."""
    if sid == olefile.NOSTREAM:
        return [], 1
    entry = ole.direntries[sid]
    left, left_height = _sibling_tree(ole, entry.sid_left)
    right, right_height = _sibling_tree(ole, entry.sid_right)
    assert left_height == right_height, entry.name
    if entry.color == RED:
        children = [c for c in (entry.sid_left, entry.sid_right) if c != olefile.NOSTREAM]
        assert all(ole.direntries[c].color == BLACK for c in children), entry.name
    return left + [entry.name] + right, left_height + (entry.color == BLACK)


@pytest.mark.parametrize("count", [1, 2, 3, 4, 6, 7, 8, 13, 30])
def test_directory_children_form_red_black_search_trees(tmp_path: Path, count: int) -> None:
    modules = [Module(f"{'M' * (i % 4 + 1)}{i}", "Sub A()\nEnd Sub\n", "standard") for i in range(count)]
    path = tmp_path / "vbaProject.bin"
    path.write_bytes(vba_project(modules))
    with olefile.OleFileIO(str(path)) as ole:
        storages = [e for e in ole.direntries if e and e.entry_type in (olefile.STGTY_ROOT, olefile.STGTY_STORAGE)]
        assert [s.name for s in storages] == ["Root Entry", "VBA"]
        for storage in storages:
            names, _ = _sibling_tree(ole, storage.sid_child)
            assert names == sorted(names, key=lambda name: (len(name), name.upper()))
            assert ole.direntries[storage.sid_child].color == BLACK


def test_a_project_needing_several_fat_sectors(tmp_path: Path) -> None:
    """All of xlwings' add-in modules: about 116 KB of compound file, so more than one FAT sector."""
    modules = [
        Module(path.stem, path.read_text(encoding="cp1252"), "standard" if path.suffix == ".bas" else "class")
        for path in sorted((XLWINGS / "addin").glob("*.*"))
        if path.suffix in (".bas", ".cls")
    ]
    path = tmp_path / "vbaProject.bin"
    path.write_bytes(vba_project(modules, project_name="xlwings"))
    assert struct.unpack_from("<I", path.read_bytes(), 44)[0] > 1  # header: number of FAT sectors
    with olefile.OleFileIO(str(path), raise_defects=olefile.DEFECT_UNSURE) as ole:
        assert ole.parsing_issues == []
    extracted = {name.rsplit(".", 1)[0]: code for _, _, name, code in VBA_Parser(str(path)).extract_macros()}
    assert {name: _normalised(code) for name, code in extracted.items()} == {
        m.name: _normalised(m.code) for m in modules
    }


def test_the_header_holds_at_most_109_fat_sectors() -> None:
    """109 FAT sectors map 109 * 127 other sectors: here one stream and one directory sector."""
    largest = _compound_file({"big": bytes((109 * 127 - 1) * 512)})
    assert struct.unpack_from("<I", largest, 44)[0] == 109
    with olefile.OleFileIO(largest, raise_defects=olefile.DEFECT_UNSURE) as ole:
        assert ole.get_size("big") == (109 * 127 - 1) * 512
    with pytest.raises(ValueError, match="110 FAT sectors; only 109"):
        _compound_file({"big": bytes((109 * 127) * 512)})


def test_output_is_deterministic() -> None:
    assert vba_project(MODULES) == vba_project(list(MODULES))


# -- Refusals -----------------------------------------------------------------------------------------------


def test_a_character_outside_code_page_1252_names_the_module_and_line() -> None:
    with pytest.raises(ValueError, match=r"module 'Buttons', line 3: '中' is not in code page 1252"):
        vba_project([Module("Buttons", 'Sub A()\n    MsgBox "ok"\n    MsgBox "中"\nEnd Sub\n', "standard")])


@pytest.mark.parametrize(
    ("modules", "message"),
    [
        ([Module("A", 'Attribute VB_Name = "B"\n', "standard")], "its code says"),
        ([Module("Sheet1", "", "document")], "needs an 'Attribute VB_Base' line"),
        ([Module("A", "VERSION 1.0 CLASS\nBEGIN\n", "class")], "has no END line"),
        ([Module("A", "", "standard"), Module("a", "", "class")], "used twice"),
        ([Module("Dir", "", "standard")], "clashes with a VBA stream"),
    ],
)
def test_inconsistent_modules_are_refused(modules: list[Module], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        vba_project(modules)


@pytest.mark.parametrize(
    ("name", "code", "kind", "message"),
    [
        ("Module1", "", "form", "kind 'form'"),
        ("1st", "", "standard", "module name '1st'"),
        ("A" * 32, "", "standard", "at most 31"),
        ("Mödule", "", "standard", "module name"),
    ],
)
def test_bad_modules_are_refused(name: str, code: str, kind: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Module(name, code, kind)


def test_a_bad_project_name_is_refused() -> None:
    with pytest.raises(ValueError, match="project name 'My Project'"):
        vba_project(MODULES, project_name="My Project")


# -- Against a file Excel accepts: xlwings' quickstart_standalone.xlsm -----------------------------------------

REFERENCE = XLWINGS / "quickstart_standalone.xlsm"  # source-only (7-byte _VBA_PROJECT), shipped with xlwings
ROOT = Path(__file__).resolve().parents[1]
COMMITTED = [ROOT / "workbooks" / "complaints_template.xlsm", ROOT / "workbooks" / "ComplaintDesk.xlam"]
_MODULE_START, _MODULE_END, _PROJECT_MODULES = 0x0019, 0x002B, 0x000F
_REFERENCE_IDS = {0x0016, 0x003E, 0x000D, 0x000E, 0x002F, 0x0030, 0x0033}  # 2.3.4.2.2: the REFERENCE records


def _vba_bin(path: Path) -> bytes:
    with zipfile.ZipFile(path) as package:
        return package.read("xl/vbaProject.bin")


def _dir_records(ole: olefile.OleFileIO) -> list[tuple[int, bytes]]:
    """The dir stream as (id, data) records; PROJECTVERSION says Reserved 4 but carries 6 bytes."""
    data, records, pos = decompress(ole.openstream("VBA/dir").read()), [], 0
    while pos < len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        size = 6 if rid == 0x0009 else size
        records.append((rid, data[pos + 6 : pos + 6 + size]))
        pos += 6 + size
    return records


@dataclass
class _Dir:
    information: list[tuple[int, bytes]]
    references: list[list[tuple[int, bytes]]]  # one list per reference, starting at its REFERENCENAME
    modules_header: list[tuple[int, bytes]]  # PROJECTMODULES, PROJECTCOOKIE
    modules: dict[str, list[tuple[int, bytes]]]  # MODULENAME .. the terminator, by name
    tail: list[tuple[int, bytes]]


def _dir(ole: olefile.OleFileIO) -> _Dir:
    records = _dir_records(ole)
    first_ref = next(i for i, (rid, _) in enumerate(records) if rid in _REFERENCE_IDS)
    first_module = next(i for i, (rid, _) in enumerate(records) if rid == _PROJECT_MODULES)
    references: list[list[tuple[int, bytes]]] = []
    for record in records[first_ref:first_module]:
        # a REFERENCENAME starts a reference, except the one inside a REFERENCECONTROL (after 0x002F)
        if record[0] == 0x0016 and not (references and references[-1][-1][0] == 0x002F):
            references.append([])
        references[-1].append(record)
    modules: dict[str, list[tuple[int, bytes]]] = {}
    pos = first_module + 2
    while records[pos][0] == _MODULE_START:
        end = next(i for i in range(pos, len(records)) if records[i][0] == _MODULE_END)
        modules[records[pos][1].decode("cp1252")] = records[pos : end + 1]
        pos = end + 1
    return _Dir(records[:first_ref], references, records[first_module:pos][:2], modules, records[pos:])


def _project_lines(ole: olefile.OleFileIO) -> list[str]:
    return ole.openstream("PROJECT").read().decode("cp1252").split("\r\n")


@pytest.fixture(scope="module")
def reference() -> olefile.OleFileIO:
    return olefile.OleFileIO(_vba_bin(REFERENCE))


@pytest.fixture(scope="module", params=COMMITTED, ids=[p.name for p in COMMITTED])
def ours(request: pytest.FixtureRequest) -> olefile.OleFileIO:
    return olefile.OleFileIO(_vba_bin(request.param))


def test_the_reference_is_source_only_as_ours_is(reference: olefile.OleFileIO) -> None:
    """Version 0xFFFF and no cache: the Excel-accepted file compiles from source on open, as ours does."""
    assert reference.openstream("VBA/_VBA_PROJECT").read() == bytes.fromhex("CC61FFFF000100")


def test_vba_project_stream_matches_the_reference(ours: olefile.OleFileIO, reference: olefile.OleFileIO) -> None:
    """Reserved1, Version, Reserved2 and Reserved3 (0x0001) byte for byte, and no performance cache."""
    assert ours.openstream("VBA/_VBA_PROJECT").read() == reference.openstream("VBA/_VBA_PROJECT").read()


def test_dir_information_records_match_the_reference(ours: olefile.OleFileIO, reference: olefile.OleFileIO) -> None:
    """SysKind (3), Lcid, LcidInvoke, CodePage, name, doc strings, help, lib flags, version, constants."""
    assert _dir(ours).information == _dir(reference).information


def test_dir_references_match_the_reference_but_for_the_libraries(
    ours: olefile.OleFileIO, reference: olefile.OleFileIO
) -> None:
    """The Office library (which IRibbonControl needs) byte for byte. Differences that must exist: we
    refer to stdole (OLE Automation, which Excel gives every new project), registered; the reference has
    MSForms instead, as a REFERENCECONTROL (a UserForm library our modules never use)."""
    ours_refs = {refs[0][1].decode("cp1252"): refs for refs in _dir(ours).references}
    theirs = {refs[0][1].decode("cp1252"): refs for refs in _dir(reference).references}
    assert list(ours_refs) == ["stdole", "Office"] and list(theirs) == ["MSForms", "Office"]
    assert ours_refs["Office"] == theirs["Office"]
    assert [rid for rid, _ in ours_refs["stdole"]] == [rid for rid, _ in theirs["Office"]]  # same record kinds
    assert [rid for rid, _ in theirs["MSForms"]] == [0x0016, 0x003E, 0x0033, 0x002F, 0x0016, 0x003E, 0x0030]


def test_dir_module_records_match_the_reference_but_for_names_cookies_and_offsets(
    ours: olefile.OleFileIO, reference: olefile.OleFileIO
) -> None:
    """Each kind of module against the reference's module of that kind, record by record. Differences
    that must exist: the module count; the cookies (ours 0xFFFF, which MS-OVBA 2.3.4.2.3.1 and
    2.3.4.2.3.2.11 require on write, Excel's random); names; the text offset of every module but
    `xlwings` (the reference keeps a compiled cache before their source, 819 bytes in a document module;
    we keep none, as its own `xlwings` module has none); Dictionary's doc string (the reference holds
    its VB_Description, ours is empty; only the Object Browser shows it)."""
    mine, theirs = _dir(ours), _dir(reference)
    assert [rid for rid, _ in mine.modules_header] == [rid for rid, _ in theirs.modules_header] == [0x000F, 0x0013]
    assert mine.modules_header[0][1] == struct.pack("<H", len(mine.modules))
    assert (mine.modules_header[1][1], theirs.modules_header[1][1]) == (b"\xff\xff", b"\x85\x81")
    assert mine.tail == theirs.tail == [(0x0010, b"")]
    pairs = {"ThisWorkbook": "ThisWorkbook", "Sheet1": "Sheet1", "xlwings": "xlwings", "Dictionary": "Dictionary"}
    pairs |= {name: "Sheet1" for name in mine.modules if name.startswith("Sheet")}
    pairs |= {name: "Module1" for name in mine.modules if name in ("Buttons", "Ribbon")}
    assert set(pairs) == set(mine.modules)
    allowed = {0x0019, 0x0047, 0x001A, 0x0032, 0x002C}  # names, stream names, cookie
    for name, other in pairs.items():
        a, b = mine.modules[name], theirs.modules[other]
        assert [rid for rid, _ in a] == [rid for rid, _ in b], name
        differ = {rid for (rid, x), (_, y) in zip(a, b, strict=True) if x != y}
        expected = allowed - ({0x0019, 0x0047, 0x001A, 0x0032} if name == other else set())
        if other != "xlwings":
            expected |= {0x0031}  # the reference's compiled cache before the source
        if name == "Dictionary":
            expected |= {0x001C, 0x0048}  # its doc string
        assert differ <= expected, (name, sorted(map(hex, differ - expected)))
        assert dict(a)[0x0031] == bytes(4), name  # our source starts the stream: no p-code
        assert dict(a)[0x002C] == b"\xff\xff", name


def test_document_module_source_matches_the_reference(ours: olefile.OleFileIO, reference: olefile.OleFileIO) -> None:
    """ThisWorkbook's and Sheet1's stored source is the reference's, byte for byte, after its cache."""
    for name in ("ThisWorkbook", "Sheet1"):
        theirs = reference.openstream(f"VBA/{name}").read()
        offset = struct.unpack("<I", dict(_dir(reference).modules[name])[0x0031])[0]
        assert decompress(ours.openstream(f"VBA/{name}").read()) == decompress(theirs[offset:]), name


def test_project_stream_matches_the_reference_key_by_key(ours: olefile.OleFileIO, reference: olefile.OleFileIO) -> None:
    """Same keys and sections; equal Name, HelpContextID, VersionCompatible32 and host line; CMG, DPB
    and GC decrypt to the same values. Differences that must exist: ID (ours fixed), the encrypted bytes
    (seeded), the module lines (theirs in creation order, ours documents first), the [Workspace] window
    positions (ours all closed), and theirs ends with one more empty line than ours (Excel's own save of
    xlwings' quickstart.xlsm ends as ours)."""
    mine, theirs = _project_lines(ours), _project_lines(reference)

    def properties(lines: list[str]) -> list[tuple[str, str]]:
        return [tuple(line.split("=", 1)) for line in lines[: lines.index("")]]  # type: ignore[misc]

    def keys(lines: list[str]) -> list[str]:
        kinds = {"Document", "Module", "Class"}
        return [key for key, _ in properties(lines) if key not in kinds]

    assert keys(mine) == keys(theirs) == [
        "ID", "Name", "HelpContextID", "VersionCompatible32", "CMG", "DPB", "GC"
    ]  # fmt: skip
    mine_props, their_props = dict(properties(mine)), dict(properties(theirs))
    for key in ("Name", "HelpContextID", "VersionCompatible32"):
        assert mine_props[key] == their_props[key], key
    for key in ("CMG", "DPB", "GC"):
        mine_key, mine_data = _decrypt(mine_props[key].strip('"'))
        their_key, their_data = _decrypt(their_props[key].strip('"'))
        assert mine_data == their_data, key
        assert (mine_key, their_key) == tuple(
            sum(p["ID"].strip('"').encode()) & 0xFF for p in (mine_props, their_props)
        )
    module_lines = [f"{k}={v}" for k, v in properties(mine) if k in ("Document", "Module", "Class")]
    their_module_lines = [f"{k}={v}" for k, v in properties(theirs) if k in ("Document", "Module", "Class")]
    assert {line.split("=")[0] for line in module_lines} == {line.split("=")[0] for line in their_module_lines}
    assert "Document=ThisWorkbook/&H00000000" in module_lines and "Class=Dictionary" in module_lines
    section = mine.index("[Host Extender Info]")
    assert mine[section : section + 4] == theirs[theirs.index("[Host Extender Info]") :][:4]
    workspace_mine = mine[mine.index("[Workspace]") + 1 :]
    workspace_theirs = theirs[theirs.index("[Workspace]") + 1 :]
    assert workspace_mine[-1:] == [""] and workspace_theirs[-2:] == ["", ""]
    assert len([line for line in workspace_mine if line]) == len(module_lines)
    assert len([line for line in workspace_theirs if line]) == len(their_module_lines)


def test_project_name_map_has_the_reference_layout(ours: olefile.OleFileIO, reference: olefile.OleFileIO) -> None:
    """PROJECTwm: each module's name in the code page, NUL, in UTF-16, NUL NUL; then NUL NUL."""

    def names(data: bytes) -> list[str]:
        out, pos = [], 0
        while data[pos : pos + 2] != b"\0\0":
            end = data.index(b"\0", pos)
            name = data[pos:end].decode("cp1252")
            wide = name.encode("utf-16-le") + b"\0\0"
            assert data[end + 1 : end + 1 + len(wide)] == wide
            out.append(name)
            pos = end + 1 + len(wide)
        assert pos + 2 == len(data)
        return out

    mine = names(ours.openstream("PROJECTwm").read())
    theirs = names(reference.openstream("PROJECTwm").read())
    assert mine == list(_dir(ours).modules) and theirs == list(_dir(reference).modules)
