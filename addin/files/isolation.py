"""One file's work in a child process, so that one file can cost the batch nothing but its own line.

The package checks (`addin.files.package`) keep python-calamine from the inputs known to abort
it, but a native reader can still abort, a file can still need more memory or time than the
batch can give. So the CLI runs each file's whole job in a child process: with an address-space
limit of `limits.memory_mb` (Linux; `resource` is not enforced on macOS and absent on Windows)
and a wall-time limit of `limits.seconds`. The child sends back a small, picklable result; a
child that dies or overruns is that file's one-line failure. Linux forks (no re-import, about
10 ms per file); macOS and Windows spawn, which re-imports the package once per file.

Failures have a kind: `file` (the file cannot be processed: exit 3), `config` (the config
file cannot be used: a usage error) and `internal` (a bug of ours: exit 5, the traceback
written to `error_log()`).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import tempfile
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

from addin.core.settings import ConfigError
from addin.files.limits import MB, Limits
from addin.files.package import FileError

T = TypeVar("T")
LOG_VARIABLE = "COMPLAINTS_ERROR_LOG"


@dataclass(frozen=True)
class Failed:
    reason: str
    kind: str  # "file", "config" or "internal"
    details: str = ""  # the traceback of an internal error

    @property
    def internal(self) -> bool:
        return self.kind == "internal"


def run_isolated(task: Callable[..., T], args: tuple[Any, ...], limits: Limits) -> T | Failed:
    """`task(*args)` in a child process within `limits`; its result, or why there is none."""
    context = multiprocessing.get_context("fork") if sys.platform == "linux" else multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, task, args, limits.memory_mb), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(limits.seconds):
            child.kill()
            return Failed(f"over limits.seconds: not done after {limits.seconds} s; the file was skipped", "file")
        kind, *payload = receive.recv()
    except EOFError:
        child.join()
        return Failed(_death(child.exitcode, limits), "file")
    finally:
        receive.close()
        child.join(5)
        if child.is_alive():
            child.kill()
    if kind == "ok":
        return payload[0]
    return Failed(*payload)


def _death(code: int | None, limits: Limits) -> str:
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        return (
            f"the reader crashed ({name}); the file may be damaged, or need more than "
            f"limits.memory_mb ({limits.memory_mb} MB)"
        )
    return f"the reader stopped without a result (exit {code}); the file may be damaged"


def _child(send: Connection, task: Callable[..., object], args: tuple[Any, ...], memory_mb: int) -> None:
    _limit_memory(memory_mb)
    try:
        message: tuple[object, ...] = ("ok", task(*args))
    except FileError as exc:
        message = ("failed", one_line(str(exc)), "file")
    except ConfigError as exc:
        message = ("failed", one_line(str(exc)), "config")
    except MemoryError:
        message = ("failed", f"over limits.memory_mb: needs more than {memory_mb} MB", "file")
    except Exception as exc:  # noqa: BLE001 - a bug: reported as this file's internal error, the batch goes on
        message = ("failed", one_line(f"{exc.__class__.__name__}: {exc}"), "internal", traceback.format_exc())
    try:
        send.send(message)
    except Exception as exc:  # noqa: BLE001 - an unpicklable result is a bug of ours too
        send.send(("failed", f"result not sent ({exc.__class__.__name__}: {exc})", "internal", traceback.format_exc()))
    finally:
        send.close()


def one_line(text: str) -> str:
    """A reason as the one line a batch prints (a library's message may span several)."""
    return " ".join(text.split())


def _limit_memory(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # Windows
        return
    limit = memory_mb * MB
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):  # macOS refuses RLIMIT_AS below the current size; the child still isolates
        pass


def error_log() -> Path:
    """Where internal errors' details go: `$COMPLAINTS_ERROR_LOG`, else `complaints-errors.log` in the temp folder."""
    return Path(os.environ.get(LOG_VARIABLE) or Path(tempfile.gettempdir()) / "complaints-errors.log")


def log_internal(what: str, details: str) -> Path:
    """Append an internal error's traceback to the error log; the log's path (or a note that it failed)."""
    path = error_log()
    try:
        with path.open("a", encoding="utf-8") as log:
            log.write(f"--- {datetime.now().isoformat(timespec='seconds')} {what}\n{details}\n")
    except OSError:
        pass
    return path
