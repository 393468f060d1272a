"""The `--json` output's text: laid out as `json.dumps(indent=2)` would, but an object holding only
plain values (a problem, a file's counts) on one line.

`json.dumps` with `indent` encodes in Python; without it, in C. The 200k problems of a log where
every row has one took 2.7 s through `indent=2`; each one-line object here goes through the C
encoder, and the text is the same JSON value.
"""

from __future__ import annotations

import json
from collections.abc import Iterator


def json_text(value: object) -> str:
    """`value` as indented JSON text (non-ASCII characters as they are)."""
    return "".join(_parts(value, 0))


def _one(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _flat(value: dict[object, object]) -> bool:
    return not any(isinstance(v, dict | list) for v in value.values())


def _parts(value: object, depth: int) -> Iterator[str]:
    pad = "  " * (depth + 1)
    if isinstance(value, dict) and value and not _flat(value):
        yield "{"
        for i, (key, item) in enumerate(value.items()):
            yield ("\n" if i == 0 else ",\n") + pad + _one(str(key)) + ": "
            yield from _parts(item, depth + 1)
        yield "\n" + "  " * depth + "}"
    elif isinstance(value, list) and value:
        yield "["
        for i, item in enumerate(value):
            yield ("\n" if i == 0 else ",\n") + pad
            yield from _parts(item, depth + 1)
        yield "\n" + "  " * depth + "]"
    else:
        yield _one(value)
