"""The `--config` TOML file: read it and hand its entries to the core (`addin.core.settings.parse_toml`)."""

from __future__ import annotations

from pathlib import Path

from addin.core.settings import ConfigError, Entry, parse_toml


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
