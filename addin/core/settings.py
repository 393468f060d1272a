"""Every setting in one typed object (`Settings`), from a Settings sheet and a TOML config file.

Precedence, lowest first: the declared defaults, the workbook's `Settings`/`设置` sheet, the
`--config` TOML file, command-line options. Keys are dotted (`headers.complaint_id`); in
TOML they may be nested tables. A list is a TOML array, or in a sheet cell text separated
by `;`, `；`, `、` or line breaks; one label with its aliases is written `en|中文|alias`.
Which keys exist, how each is checked, its default and where it lands: `addin.core.settings_table`
(the README's settings table is made from it).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from types import MappingProxyType
from typing import cast

from addin.core import settings_table as table
from addin.core.flag_rules import FlagRules, flag_rules
from addin.core.problems import RULES, Problem
from addin.core.schema import (
    DEFAULT_DIMENSIONS,
    LOG_FIELDS,
    SEVERITIES,
    STATUSES,
    SURVEY_BASE_FIELDS,
    Field,
    Kind,
    Label,
)
from addin.core.values import clean_text, fold

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_\-]+)+$|^(categories|dimensions)$")
OFF = "off"
SECRET_KEYS = frozenset({"mail.password"})


class ConfigError(Exception):
    """A config file that cannot be used; stops the run with a usage error."""


@dataclass(frozen=True)
class Origin:
    """Where a setting came from: a Settings sheet cell, or a file."""

    sheet: str | None = None
    row: int | None = None
    column: int | None = None
    file: str | None = None


@dataclass(frozen=True)
class Entry:
    key: str
    value: object
    origin: Origin = Origin()


def _default(key: str) -> object:
    return table.default_of(key)


def _mail_defaults() -> Mapping[str, object]:
    return MappingProxyType(
        {s.key: s.default for s in table.SETTINGS if s.key.startswith("mail.") and s.default is not None}
    )


@dataclass(frozen=True)
class Settings:
    log_sheet: str | None = None
    survey_sheet: str | None = None
    header_aliases: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    absent: Mapping[str, frozenset[str]] = field(default_factory=lambda: MappingProxyType({}))  # "log"/"survey" -> keys
    blanks: frozenset[str] = frozenset(fold(b) for b in cast("tuple[str, ...]", _default("cells.blank")))
    categories: tuple[Label, ...] = cast("tuple[Label, ...]", _default("categories"))
    severities: tuple[Label, ...] = SEVERITIES
    statuses: tuple[Label, ...] = STATUSES
    dimensions: tuple[Field, ...] = DEFAULT_DIMENSIONS
    weights: Mapping[str, Fraction] = field(default_factory=lambda: MappingProxyType(equal_weights(DEFAULT_DIMENSIONS)))
    weight_error: str | None = None  # why the weights cannot be used; scoring refuses to run
    rule_levels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    lang: str = cast(str, _default("output.lang"))
    target: Fraction = cast(Fraction, _default("score.target"))
    min_responses: int = cast(int, _default("score.min_responses"))
    score_by: tuple[str, ...] = cast("tuple[str, ...]", _default("score.by"))
    outcome: str = cast(str, _default("score.outcome"))
    flags: FlagRules = FlagRules()
    mail: Mapping[str, object] = field(default_factory=_mail_defaults)  # `mail.*` key -> value (addin.mail.settings)

    def log_fields(self) -> tuple[Field, ...]:
        """The log's fields with the user's header aliases, less those declared absent (`log.absent`)."""
        return self._with_aliases(LOG_FIELDS, "log")

    def survey_fields(self) -> tuple[Field, ...]:
        return self._with_aliases(SURVEY_BASE_FIELDS + self.dimensions, "survey")

    def _with_aliases(self, fields: tuple[Field, ...], what: str) -> tuple[Field, ...]:
        absent = self.absent.get(what, frozenset())
        return tuple(
            replace(f, aliases=f.aliases + self.header_aliases[f.key]) if f.key in self.header_aliases else f
            for f in fields
            if f.key not in absent
        )

    def level(self, code: str) -> str:
        return self.rule_levels.get(code, str(RULES[code].level))


class _Builder:
    """Collects entries layer by layer, then makes the `Settings`; bad values become problems."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self.origins: dict[str, Origin] = {}
        self.problems: list[Problem] = []

    def add(self, entry: Entry) -> None:
        self.origins[entry.key] = entry.origin
        try:
            self._apply(entry.key, entry.value, from_file=entry.origin.file is not None)
        except ValueError as exc:
            self._report(entry, "invalid-setting", str(exc))
        except LookupError:
            self._report(entry, "unknown-setting", table.unknown_reason(entry.key))

    def _report(self, entry: Entry, code: str, reason: str = "") -> None:
        origin = entry.origin
        if origin.file is not None:
            raise ConfigError(f"{origin.file}: setting '{entry.key}': {reason}")
        params = (("key", entry.key), ("reason", reason))
        value = "•••" if entry.key in SECRET_KEYS else clean_text(entry.value)  # never copy a password out
        self.problems.append(Problem(code, origin.sheet or "", origin.row, origin.column, None, value, params))

    def _apply(self, key: str, value: object, from_file: bool = False) -> None:
        """The setting's own parser (`settings_table`); `LookupError` for a key no setting has."""
        setting = table.find(key)
        if from_file and (wrong := table.toml_type_error(setting, value)):
            raise ValueError(wrong)
        self.values[key] = setting.parse(value)

    def build(self) -> Settings:
        v = self.values

        def given(key: str) -> object:
            return v.get(key, table.default_of(key))

        dimensions = _dimensions(v)
        weights, weight_error = self._weights(dimensions)
        return Settings(
            log_sheet=cast("str | None", given("log.sheet")),
            survey_sheet=cast("str | None", given("survey.sheet")),
            header_aliases=MappingProxyType(
                {k.split(".")[1]: cast("tuple[str, ...]", x) for k, x in v.items() if k.startswith("headers.")}
            ),
            absent=MappingProxyType(
                {what: frozenset(cast("tuple[str, ...]", given(f"{what}.absent"))) for what in ("log", "survey")}
            ),
            blanks=frozenset(fold(b) for b in cast("tuple[str, ...]", given("cells.blank"))),
            categories=cast("tuple[Label, ...]", given("categories")),
            severities=_with_label_aliases(SEVERITIES, v, "severity"),
            statuses=_with_label_aliases(STATUSES, v, "status"),
            dimensions=dimensions,
            weights=MappingProxyType(weights),
            weight_error=weight_error,
            rule_levels=MappingProxyType({k.split(".")[1]: str(x) for k, x in v.items() if k.startswith("rules.")}),
            lang=str(given("output.lang")),
            target=cast(Fraction, given("score.target")),
            min_responses=cast(int, given("score.min_responses")),
            score_by=cast("tuple[str, ...]", given("score.by")),
            outcome=str(given("score.outcome")),
            flags=flag_rules(v),
            mail=MappingProxyType({**_mail_defaults(), **{k: x for k, x in v.items() if k.startswith("mail.")}}),
        )

    def _weights(self, dimensions: tuple[Field, ...]) -> tuple[dict[str, Fraction], str | None]:
        """Each dimension's weight in percent: all given and adding up to 100, or none given (equal shares).

        Weights of dimensions not in use are ignored. A bad set is reported once, as an
        `invalid-weights` problem at the first weight's cell (a `ConfigError` when any of them
        came from a config file), and recorded in `Settings.weight_error` so scoring can refuse.
        """
        keys = [f"dimension.{d.key}.weight" for d in dimensions]
        given = {k: cast(Fraction, self.values[k]) for k in keys if k in self.values}
        if not given:
            return equal_weights(dimensions), None
        total = sum(given.values(), Fraction(0))
        if len(given) < len(keys):
            missing = ", ".join(k.split(".")[1] for k in keys if k not in given)
            error = f"no weight for {missing}; give every dimension a weight, adding up to 100%"
        elif total != 100:
            error = f"the dimension weights add up to {_percent(total)}%, not 100%"
        else:
            return {d.key: given[k] for d, k in zip(dimensions, keys, strict=True)}, None
        first = next(k for k in keys if k in given)
        origins = [self.origins.get(k, Origin()) for k in given]
        if any(o.file for o in origins):
            files = sorted({o.file for o in origins if o.file})
            raise ConfigError(f"{', '.join(files)}: {error}")
        entry = Entry(first, self.values[first], self.origins.get(first, Origin()))
        self._report(entry, "invalid-weights", error)
        return {}, error


def equal_weights(dimensions: tuple[Field, ...]) -> dict[str, Fraction]:
    return {d.key: Fraction(100, len(dimensions)) for d in dimensions}


def _percent(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.4g}"


def _dimensions(values: Mapping[str, object]) -> tuple[Field, ...]:
    defaults = {d.key: d for d in DEFAULT_DIMENSIONS}
    result = []
    for key in cast("tuple[str, ...]", values.get("dimensions", table.default_of("dimensions"))):
        base = defaults.get(key, Field(key, key, key, Kind.RATING))
        if (name := values.get(f"dimension.{key}.name")) is not None:
            label = cast(Label, name)
            base = replace(base, en=label.en, zh=label.zh, aliases=label.aliases)
        if (scale := values.get(f"dimension.{key}.scale")) is not None:
            base = replace(base, scale=cast(int, scale))
        result.append(base)
    return tuple(result)


def _with_label_aliases(labels: tuple[Label, ...], values: Mapping[str, object], kind: str) -> tuple[Label, ...]:
    def extra(lab: Label) -> tuple[str, ...]:
        return cast("tuple[str, ...]", values.get(f"aliases.{kind}.{lab.key}", ()))

    return tuple(replace(lab, aliases=lab.aliases + extra(lab)) if extra(lab) else lab for lab in labels)


def sheet_entries(sheet: str, rows: Sequence[Sequence[object]]) -> Iterable[Entry]:
    """Key/value rows of a Settings sheet: the first cell that looks like a dotted key, then its value."""
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row):
            text = clean_text(cell)
            if not text:
                continue
            if KEY_PATTERN.match(text) and c + 1 < len(row):
                yield Entry(text, row[c + 1], Origin(sheet, r, c + 2))
            break


def parse_toml(text: str, source: str) -> list[Entry]:
    """Flattened entries of a TOML config's text (`source` names it in messages); a `ConfigError` when broken."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: not valid TOML: {exc}") from None
    entries: list[Entry] = []

    def walk(prefix: str, node: Mapping[str, object]) -> None:
        for key, value in node.items():
            dotted = f"{prefix}.{key}" if prefix else key
            if isinstance(value, dict):
                walk(dotted, value)
            else:
                entries.append(Entry(dotted, value, Origin(file=source)))

    walk("", data)
    return entries


def build_settings(*layers: Iterable[Entry]) -> tuple[Settings, list[Problem]]:
    """Apply the layers in order; sheet problems are returned, config-file errors raise."""
    builder = _Builder()
    for layer in layers:
        for entry in layer:
            builder.add(entry)
    return builder.build(), builder.problems
