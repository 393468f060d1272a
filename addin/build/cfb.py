"""A compound file (MS-CFB version 3, 512-byte sectors) holding a tree of storages and streams.

Only what a VBA project needs: everything written at once, no DIFAT sectors (so at most 109 FAT
sectors, about 7 MB), zero CLSIDs and timestamps so that the same tree always gives the same bytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

_SECTOR, _MINI_SECTOR, _MINI_CUTOFF = 512, 64, 4096
_FREESECT, _ENDOFCHAIN, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_DIFAT_IN_HEADER = 109

Tree = dict[str, "bytes | Tree"]  # a storage: its children by name, streams as bytes


@dataclass
class _Entry:
    """A directory entry (MS-CFB 2.6); zero CLSID and timestamps keep the output deterministic."""

    name: str
    kind: int
    data: bytes = b""
    child: int = _NOSTREAM
    left: int = _NOSTREAM
    right: int = _NOSTREAM
    red: bool = False
    start: int = 0
    size: int = 0

    def pack(self) -> bytes:
        name = self.name.encode("utf-16-le") + b"\0\0" if self.kind else b""
        return struct.pack(
            "<64sHBBIII16sIQQIQ",
            name,
            len(name),
            self.kind,
            1 if self.kind and not self.red else 0,  # black, red; unused entries are all zero
            self.left,
            self.right,
            self.child,
            bytes(16),  # CLSID
            0,  # state bits
            0,  # creation time
            0,  # modified time
            self.start,
            self.size,
        )


def compound_file(tree: Tree) -> bytes:
    """A CFB v3 file: big streams, then the mini stream, mini FAT, directory and FAT, in 512-byte sectors."""
    entries = [_Entry("Root Entry", _ROOT)]
    _add_children(entries, 0, tree)
    body, mini = bytearray(), bytearray()  # the big streams' sectors, the mini stream's
    fat: list[int] = []
    minifat: list[int] = []
    for entry in entries:
        if entry.kind == _STREAM:
            small = len(entry.data) < _MINI_CUTOFF
            entry.start = _append(mini, minifat, entry.data, _MINI_SECTOR) if small else _append(body, fat, entry.data)
            entry.size = len(entry.data)
    entries[0].start, entries[0].size = _append(body, fat, bytes(mini)), len(mini)
    minifat_start = _append(body, fat, _pack_table(minifat, _SECTOR // 4))
    unused = -len(entries) % (_SECTOR // 128)
    directory_start = _append(body, fat, b"".join(e.pack() for e in entries + [_Entry("", 0)] * unused))
    fat_count = 0
    while fat_count * (_SECTOR // 4) < len(fat) + fat_count:
        fat_count += 1
    if fat_count > _DIFAT_IN_HEADER:
        raise ValueError(f"the VBA project needs {fat_count} FAT sectors; only {_DIFAT_IN_HEADER} are supported")
    fat_sectors = list(range(len(fat), len(fat) + fat_count))
    body += _pack_table(fat + [_FATSECT] * fat_count, _SECTOR // 4)
    difat = fat_sectors + [_FREESECT] * (_DIFAT_IN_HEADER - fat_count)
    header = struct.pack(
        "<8s16s5H6s9I109I",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        bytes(16),  # CLSID
        0x003E,  # minor version
        0x0003,  # major version 3: 512-byte sectors
        0xFFFE,  # little-endian
        9,  # sector shift: 2**9 = 512
        6,  # mini sector shift: 2**6 = 64
        bytes(6),
        0,  # directory sectors: must be 0 in version 3
        fat_count,
        directory_start,
        0,  # transaction signature
        _MINI_CUTOFF,
        minifat_start,
        -(-len(minifat) // (_SECTOR // 4)),
        _ENDOFCHAIN,  # no DIFAT sectors
        0,
        *difat,
    )
    return header + bytes(body)


def _add_children(entries: list[_Entry], parent: int, tree: Tree) -> None:
    """Number the storage's children after it, link them as a tree under it, then recurse into storages."""
    ids = []
    for name, value in tree.items():
        if len(name) > 31:
            raise ValueError(f"compound file names have at most 31 characters: {name!r}")
        ids.append(len(entries))
        entries.append(_Entry(name, _STREAM, value) if isinstance(value, bytes) else _Entry(name, _STORAGE))
    order = sorted(ids, key=lambda i: (len(entries[i].name), entries[i].name.upper()))  # MS-CFB 2.6.4
    entries[parent].child = _link(entries, order, 0, len(order), 0, len(order).bit_length() - 1)
    for i, value in zip(ids, tree.values(), strict=True):
        if not isinstance(value, bytes):
            _add_children(entries, i, value)


def _link(entries: list[_Entry], order: list[int], low: int, high: int, depth: int, bottom: int) -> int:
    """A balanced search tree of order[low:high]; nodes on the bottom level of a deeper tree are red, so
    every path from the root meets the same number of black nodes, as a red-black tree requires."""
    if low >= high:
        return _NOSTREAM
    mid = (low + high) // 2
    entry = entries[order[mid]]
    entry.left = _link(entries, order, low, mid, depth + 1, bottom)
    entry.right = _link(entries, order, mid + 1, high, depth + 1, bottom)
    entry.red = 0 < depth == bottom
    return order[mid]


def _append(buffer: bytearray, table: list[int], data: bytes, sector: int = _SECTOR) -> int:
    """Append data as a chain of whole sectors; return its first sector, or ENDOFCHAIN if it is empty."""
    if not data:
        return _ENDOFCHAIN
    first, count = len(table), -(-len(data) // sector)
    table.extend(range(first + 1, first + count))
    table.append(_ENDOFCHAIN)
    buffer += data.ljust(count * sector, b"\0")
    return first


def _pack_table(table: list[int], per_sector: int) -> bytes:
    padded = table + [_FREESECT] * (-len(table) % per_sector)
    return struct.pack(f"<{len(padded)}I", *padded)
