"""The `--config` TOML file: its `[limits]` (`addin.files.limits`), the rest handed to the core (`parse_toml`)."""

from __future__ import annotations

from pathlib import Path

from addin.core.settings import ConfigError, Entry, parse_toml
from addin.files.limits import DEFAULT, Limits, split_limits


def toml_entries(path: Path) -> list[Entry]:
    """The settings of a config file (UTF-8, a byte-order mark allowed); a missing or broken file is a `ConfigError`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {path}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from None
    return parse_toml(text, str(path))


def read_config(path: Path | None) -> tuple[Limits, list[Entry]]:
    """The config file's `[limits]` and its other settings (the defaults and none without a file)."""
    if path is None:
        return DEFAULT, []
    return split_limits(toml_entries(path))
