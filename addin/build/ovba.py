"""Write a source-only VBA project (`vbaProject.bin`) per [MS-OVBA], with the standard library only.

The project carries module source and no compiled p-code: `_VBA_PROJECT` has Version 0xFFFF, which tells
Office to compile from source on first open. Output is byte-identical for identical input: everything
Office would randomise (project GUID, encryption seed, cookies, timestamps) is a fixed constant below.
The records follow `quickstart_standalone.xlsm`, a source-only project that ships with xlwings and that
Excel opens; tests/test_ovba.py compares them field by field and lists the differences that remain. That
file keeps a compiled performance cache before the source of every module but `xlwings` (ThisWorkbook,
Sheet1 …); we store none, as in its `xlwings` module: MS-OVBA 2.3.4.3 says the cache MUST be ignored on
read, and it embeds cookies that would have to agree with ours.
The streams are packed into a compound file [MS-CFB] by `addin.build.cfb`.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from addin.build.cfb import Tree
from addin.build.cfb import compound_file as _compound_file  # the name tests/test_ovba.py imports

KINDS = ("standard", "class", "document")
CODE_PAGE = 1252  # declared in the dir stream; module text, names and PROJECT are encoded with it
_ENCODING = "cp1252"
_LCID = 0x0409  # en-US, for both PROJECTLCID and PROJECTLCIDINVOKE, as Office writes
_SYS_KIND = 3  # 64-bit Windows, as in xlwings' quickstart_standalone.xlsm; without p-code any Office recompiles
# Fixed project GUID: uuid5(NAMESPACE_URL, "urn:complaint-desk:vbaProject"). Office makes a random one.
_PROJECT_ID = "{837337D7-3E05-50A7-BDE6-4C905D9B022E}"
# MS-OVBA 2.4.3.2 seed and Ignored filler; Office picks them at random, any value is valid.
_SEED, _IGNORED = 0xA7, 0xFB
_VERSION = (0x68FBFAC5, 0x0004)  # PROJECTVERSION major/minor, as in xlwings' quickstart_standalone.xlsm
_REFERENCES = (
    ("stdole", r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb#OLE Automation"),
    (
        "Office",
        r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files\Microsoft Shared"
        r"\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library",
    ),
)
# 2.3.4.1: Reserved1, Version 0xFFFF (no p-code: compile from source), Reserved2, Reserved3 ("undefined";
# 0x0001 in every source-only file xlwings ships, which Excel opens), and no performance cache.
_VBA_PROJECT_STREAM = struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0001)
_VBE_HOST = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"
# 2.3.1.15-17, unprotected: no protection flags, no password (a single 0x00), visible (0xFF)
_PROTECTION = (("CMG", bytes(4)), ("DPB", b"\x00"), ("GC", b"\xff"))
_PROJECT_LINES = {"standard": "Module={}", "class": "Class={}", "document": "Document={}/&H00000000"}
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")  # a VBA identifier, kept to ASCII; CFB allows 31 chars

# Attribute lines Office stores at the top of each kind of module, in its order, with defaults for those
# the VBA editor leaves out of an export (a .cls has no VB_Base). None: the module must supply it.
_ATTRIBUTES: dict[str, tuple[tuple[str, str | None], ...]] = {
    "standard": (("VB_Name", None),),
    "class": (
        ("VB_Name", None),
        ("VB_Base", '"0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"'),
        ("VB_GlobalNameSpace", "False"),
        ("VB_Creatable", "False"),
        ("VB_PredeclaredId", "False"),
        ("VB_Exposed", "False"),
        ("VB_TemplateDerived", "False"),
        ("VB_Customizable", "False"),
    ),
    "document": (
        ("VB_Name", None),
        ("VB_Base", None),
        ("VB_GlobalNameSpace", "False"),
        ("VB_Creatable", "False"),
        ("VB_PredeclaredId", "True"),
        ("VB_Exposed", "True"),
        ("VB_TemplateDerived", "False"),
        ("VB_Customizable", "True"),
    ),
}


@dataclass(frozen=True)
class Module:
    """One VBA module: its VB_Name, its text as the VBA editor exports it (.bas/.cls), and its kind."""

    name: str
    code: str
    kind: str  # "standard" | "class" | "document"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"module {self.name!r}: kind {self.kind!r} is not one of {', '.join(KINDS)}")
        _check_name("module", self.name)


def document_module(name: str, base: str) -> Module:
    """A code-less document module (ThisWorkbook, Sheet1 …); `base` is its VB_Base, e.g. "0{00020819-…}"."""
    return Module(name, f'Attribute VB_Base = "{base}"\r\n', "document")


def _check_name(what: str, name: str) -> None:
    if not _NAME.fullmatch(name):
        raise ValueError(f"{what} name {name!r} must be a letter then letters, digits or _, at most 31 of them")


# -- Compression, MS-OVBA 2.4.1 ------------------------------------------------------------------------

_CHUNK = 4096


def compress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1.3.6: a CompressedContainer of 4096-byte chunks, each compressed unless that doesn't fit."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), _CHUNK):
        end = min(start + _CHUNK, len(data))
        tokens = _token_sequences(data, start, end)
        if len(tokens) <= _CHUNK:
            out += struct.pack("<H", 0xB000 | (len(tokens) - 1)) + tokens  # flag 1, signature 0b011, size - 3
        else:  # 2.4.1.3.10: stored raw, a short last chunk padded to 4096 bytes
            out += struct.pack("<H", 0x3000 | (_CHUNK - 1)) + data[start:end].ljust(_CHUNK, b"\x00")
    return bytes(out)


def _bit_count(difference: int) -> int:
    """2.4.1.3.19.3: bits for the offset of a copy token, from the distance to the chunk start."""
    return max((difference - 1).bit_length(), 4)  # max(ceil(log2(difference)), 4)


def _token_sequences(data: bytes, start: int, end: int) -> bytearray:
    """2.4.1.3.8: flag bytes each followed by up to eight literal bytes or copy tokens."""
    out = bytearray()
    seen: dict[bytes, list[int]] = {}  # 3-byte prefix -> its earlier positions in this chunk
    pos = start
    while pos < end:
        flag_at, flags = len(out), 0
        out.append(0)
        for bit in range(8):
            if pos >= end:
                break
            offset, length = _longest_match(data, start, pos, end, seen.get(data[pos : pos + 3], ()))
            if length:
                bits = _bit_count(pos - start)
                out += struct.pack("<H", (offset - 1) << (16 - bits) | (length - 3))
                flags |= 1 << bit
            else:
                out.append(data[pos])
                length = 1
            for p in range(pos, min(pos + length, end - 2)):
                seen.setdefault(data[p : p + 3], []).append(p)
            pos += length
        out[flag_at] = flags
    return out


def _longest_match(data: bytes, start: int, pos: int, end: int, candidates: Sequence[int]) -> tuple[int, int]:
    """2.4.1.3.19.4: (offset, length) of the longest, then nearest, earlier match of 3+ bytes, or (0, 0)."""
    if not candidates:
        return 0, 0
    limit = min((0xFFFF >> _bit_count(pos - start)) + 3, end - pos)
    best, best_at = 0, pos
    for at in reversed(candidates):
        if data[at + best] != data[pos + best]:
            continue  # cannot be longer than the best so far
        length = _common_length(data, at, pos, limit)
        if length > best:
            best, best_at = length, at
            if best == limit:
                break
    return (pos - best_at, best) if best >= 3 else (0, 0)


def _common_length(data: bytes, a: int, b: int, limit: int) -> int:
    """How many bytes data[a:] and data[b:] share, up to limit; gallops then bisects on slices for speed."""
    low, high = 0, 4
    while high < limit and data[a : a + high] == data[b : b + high]:
        low, high = high, high * 2
    high = min(high, limit)
    while low < high:
        mid = (low + high + 1) // 2
        if data[a : a + mid] == data[b : b + mid]:
            low = mid
        else:
            high = mid - 1
    return low


def decompress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1.3.1: the bytes of a CompressedContainer; ValueError if it is malformed."""
    if data[:1] != b"\x01":
        raise ValueError("not a compressed container: the signature byte is not 0x01")
    out = bytearray()
    pos = 1
    while pos < len(data):
        (header,) = struct.unpack_from("<H", data, pos)
        if header & 0x7000 != 0x3000:
            raise ValueError(f"bad chunk signature at byte {pos}")
        body = data[pos + 2 : pos + 3 + (header & 0x0FFF)]
        if header & 0x8000:
            _decompress_chunk(body, out)
        else:
            out += body
        pos += 3 + (header & 0x0FFF)
    return bytes(out)


def _decompress_chunk(body: bytes, out: bytearray) -> None:
    start, pos = len(out), 0
    while pos < len(body):
        flags = body[pos]
        pos += 1
        for bit in range(8):
            if pos >= len(body):
                break
            if not flags >> bit & 1:
                out.append(body[pos])
                pos += 1
                continue
            (token,) = struct.unpack_from("<H", body, pos)
            pos += 2
            bits = _bit_count(len(out) - start)
            source = len(out) - (token >> (16 - bits)) - 1
            length = (token & (0xFFFF >> bits)) + 3
            if source < start:
                raise ValueError("copy token reaches before its chunk")
            for i in range(source, source + length):  # byte by byte: a copy may overlap its own output
                out.append(out[i])


# -- Module text, MS-OVBA 2.3.4.3 -------------------------------------------------------------------------


def _module_text(module: Module) -> bytes:
    """The stored source: CRLF lines, no VERSION/BEGIN…END header, Office's attribute lines on top."""
    code = module.code.replace("\r\n", "\n").replace("\r", "\n")
    try:
        code.encode(_ENCODING)
    except UnicodeEncodeError as error:
        line, char = code.count("\n", 0, error.start) + 1, code[error.start]
        raise ValueError(f"module {module.name!r}, line {line}: {char!r} is not in code page {CODE_PAGE}") from None
    lines = code.split("\n")
    if lines[0].upper().startswith("VERSION "):  # the export's class header is not stored
        stripped = [line.strip().upper() for line in lines]
        if "END" not in stripped:
            raise ValueError(f"module {module.name!r}: its VERSION header has no END line")
        lines = lines[stripped.index("END") + 1 :]
    count = next((i for i, line in enumerate(lines) if not line.startswith("Attribute VB_")), len(lines))
    return "\r\n".join(_attribute_lines(module, lines[:count]) + lines[count:]).encode(_ENCODING)


def _attribute_lines(module: Module, lines: list[str]) -> list[str]:
    """Known attributes in Office's order (given ones verbatim, missing ones defaulted), then the rest."""
    given = {line.removeprefix("Attribute ").partition("=")[0].strip(): line for line in lines}
    name = given.setdefault("VB_Name", f'Attribute VB_Name = "{module.name}"')
    if name.partition("=")[2].strip() != f'"{module.name}"':
        raise ValueError(f"module {module.name!r}: its code says {name!r}")
    ordered = []
    for key, default in _ATTRIBUTES[module.kind]:
        if key not in given and default is None:
            raise ValueError(f"{module.kind} module {module.name!r} needs an 'Attribute {key}' line")
        ordered.append(given.pop(key, f"Attribute {key} = {default}"))
    return ordered + list(given.values())


# -- PROJECT, PROJECTwm and dir streams, MS-OVBA 2.3 -------------------------------------------------------


def _project_stream(project_name: str, modules: Sequence[Module]) -> bytes:
    """2.3.1: the project's properties as text, one line per module, then host and window state."""
    lines = [f'ID="{_PROJECT_ID}"']
    lines += [_PROJECT_LINES[m.kind].format(m.name) for m in modules]
    lines += [f'Name="{project_name}"', 'HelpContextID="0"', 'VersionCompatible32="393222000"']
    lines += [f'{key}="{_encrypt(value)}"' for key, value in _PROTECTION] + [""]
    lines += ["[Host Extender Info]", _VBE_HOST, "", "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]  # every code window closed
    return ("\r\n".join(lines) + "\r\n").encode(_ENCODING)


def _encrypt(data: bytes) -> str:
    """2.4.3.2 Data Encryption (version 2, keyed by the project ID), as hex, with the fixed seed."""
    key = sum(_PROJECT_ID.encode("ascii")) & 0xFF
    version_enc, key_enc = _SEED ^ 2, _SEED ^ key
    out = bytearray([_SEED, version_enc, key_enc])
    plain, enc1, enc2 = key, key_enc, version_enc
    for byte in bytes([_IGNORED] * ((_SEED & 6) >> 1)) + struct.pack("<I", len(data)) + data:
        enc = byte ^ ((enc2 + plain) & 0xFF)
        out.append(enc)
        plain, enc1, enc2 = byte, enc, enc1
    return out.hex().upper()


def _name_map(modules: Sequence[Module]) -> bytes:
    """2.3.3 PROJECTwm: each module name in the code page then in UTF-16, ending with an empty name."""
    return b"".join(m.name.encode(_ENCODING) + b"\0" + m.name.encode("utf-16-le") + b"\0\0" for m in modules) + b"\0\0"


def _record(rid: int, data: bytes = b"") -> bytes:
    """Id, size, data. The Unicode twins of a record (Reserved id, size, text) have the same shape."""
    return struct.pack("<HI", rid, len(data)) + data


def _text_record(rid: int, twin: int, text: str) -> bytes:
    return _record(rid, text.encode(_ENCODING)) + _record(twin, text.encode("utf-16-le"))


def _dir_stream(project_name: str, modules: Sequence[Module]) -> bytes:
    """2.3.4.2: project information, references and modules, uncompressed."""
    info = [
        _record(0x0001, struct.pack("<I", _SYS_KIND)),
        _record(0x0002, struct.pack("<I", _LCID)),
        _record(0x0014, struct.pack("<I", _LCID)),
        _record(0x0003, struct.pack("<H", CODE_PAGE)),
        _record(0x0004, project_name.encode(_ENCODING)),
        _record(0x0005) + _record(0x0040),  # doc string, and its Unicode twin
        _record(0x0006) + _record(0x003D),  # help file paths 1 and 2
        _record(0x0007, struct.pack("<I", 0)),  # help context
        _record(0x0008, struct.pack("<I", 0)),  # lib flags
        struct.pack("<HIIH", 0x0009, 4, *_VERSION),  # PROJECTVERSION: Reserved 4, yet 6 bytes follow
        _record(0x000C) + _record(0x003C),  # conditional compilation constants
    ]
    for name, libid in _REFERENCES:
        info.append(_text_record(0x0016, 0x003E, name))
        libid_bytes = libid.encode(_ENCODING)
        info.append(_record(0x000D, struct.pack("<I", len(libid_bytes)) + libid_bytes + struct.pack("<IH", 0, 0)))
    info += [_record(0x000F, struct.pack("<H", len(modules))), _record(0x0013, struct.pack("<H", 0xFFFF))]
    info += [_module_record(m) for m in modules]
    return b"".join(info) + _record(0x0010)


def _module_record(module: Module) -> bytes:
    """2.3.4.2.3.2: one MODULE record; the source starts at offset 0 of its stream (no p-code)."""
    return b"".join(
        [
            _record(0x0019, module.name.encode(_ENCODING)),
            _record(0x0047, module.name.encode("utf-16-le")),
            _text_record(0x001A, 0x0032, module.name),  # stream name
            _record(0x001C) + _record(0x0048),  # doc string
            _record(0x0031, struct.pack("<I", 0)),  # text offset
            _record(0x001E, struct.pack("<I", 0)),  # help context
            _record(0x002C, struct.pack("<H", 0xFFFF)),  # cookie
            _record(0x0021 if module.kind == "standard" else 0x0022),  # type, Reserved 0
            _record(0x002B),  # terminator, Reserved 0
        ]
    )


# -- The project ---------------------------------------------------------------------------------------------


def vba_project(modules: Sequence[Module], *, project_name: str = "VBAProject") -> bytes:
    """A complete, deterministic vbaProject.bin holding the modules' source (Office compiles it on open)."""
    _check_name("project", project_name)
    taken = {"dir", "_vba_project"}  # streams beside the modules; CFB names ignore case
    for module in modules:
        if module.name.lower() in taken:
            raise ValueError(f"module name {module.name!r} is used twice or clashes with a VBA stream")
        taken.add(module.name.lower())
    vba: Tree = {
        "_VBA_PROJECT": _VBA_PROJECT_STREAM,
        "dir": compress(_dir_stream(project_name, modules)),
    }
    vba.update((m.name, compress(_module_text(m))) for m in modules)
    return _compound_file(
        {"PROJECT": _project_stream(project_name, modules), "PROJECTwm": _name_map(modules), "VBA": vba}
    )
