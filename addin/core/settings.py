"""Every default in one typed object, overridable by a Settings sheet and a TOML file.

Precedence, lowest first: built-in defaults, the workbook's `Settings`/`设置` sheet, the
`--config` TOML file, command-line options. Keys are dotted (`headers.complaint_id`); in
TOML they may be nested tables. A list is a TOML array, or in a sheet cell text separated
by `;`, `；`, `、` or line breaks; one label with its aliases is written `en|中文|alias`.

| key | meaning |
|---|---|
| `log.sheet`, `survey.sheet` | use this sheet instead of searching by headers |
| `headers.<field>` | extra header aliases for a field (e.g. `headers.complaint_id = "Ticket No"`) |
| `categories` | replaces the category list |
| `aliases.severity.<key>`, `aliases.status.<key>` | extra labels (`aliases.status.closed = "done"`) |
| `dimensions` | the rating dimension keys, in order (default five) |
| `dimension.<key>.name` | `English|中文|alias` headers of a dimension |
| `dimension.<key>.scale` | highest rating (10 or 5) |
| `dimension.<key>.weight` | weight in percent; all weights must add up to 100 (default: equal shares) |
| `score.target` | target score on the 100 scale (default 80) |
| `score.min_responses` | groups with fewer responses get a low-sample warning (default 30) |
| `score.by` | cut fields to group by besides region (`quarter; product_type`) |
| `score.outcome` | the dimension the key drivers are correlated with (default `overall`) |
| `rules.<code>` | `error`, `warning` or `off` for a validation rule |
| `output.lang` | `auto`, `en` or `zh` |
| `deadline.*`, `clock.*`, `repeat.*`, `cluster.*`, `severity.*` | the flag rules' thresholds |
| `mail.*` | the summary e-mail: host, port, security, user, from, cafile, timeout, subject, cc (never a password) |
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from types import MappingProxyType

from addin.core.flag_rules import PREFIXES as FLAG_PREFIXES
from addin.core.flag_rules import FlagRules, flag_rules, flag_value
from addin.core.problems import RULES, Level, Problem
from addin.core.schema import (
    DEFAULT_CATEGORIES,
    DEFAULT_DIMENSIONS,
    LOG_FIELDS,
    SEVERITIES,
    STATUSES,
    SURVEY_BASE_FIELDS,
    Field,
    Kind,
    Label,
)
from addin.core.values import clean_text, is_blank, parse_exact, parse_whole
from addin.mail.settings import mail_value

KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_\-]+)+$|^(categories|dimensions)$")
_LIST_SPLIT = re.compile(r"[;；、\n]+")
OFF = "off"
SECRET_KEYS = frozenset({"mail.password"})
# Fields a score table can be grouped by besides region; quarter/month/year come from the survey date.
CUT_FIELDS = ("quarter", "month", "year", "product_type", "business_type", "customer_type")


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


@dataclass(frozen=True)
class Settings:
    log_sheet: str | None = None
    survey_sheet: str | None = None
    header_aliases: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    categories: tuple[Label, ...] = DEFAULT_CATEGORIES
    severities: tuple[Label, ...] = SEVERITIES
    statuses: tuple[Label, ...] = STATUSES
    dimensions: tuple[Field, ...] = DEFAULT_DIMENSIONS
    weights: Mapping[str, Fraction] = field(default_factory=lambda: MappingProxyType(equal_weights(DEFAULT_DIMENSIONS)))
    weight_error: str | None = None  # why the weights cannot be used; scoring refuses to run
    rule_levels: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    lang: str = "auto"
    target: Fraction = Fraction(80)
    min_responses: int = 30
    score_by: tuple[str, ...] = ()
    outcome: str = "overall"
    flags: FlagRules = FlagRules()
    mail: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))  # `mail.*` (addin.mail.settings)

    def log_fields(self) -> tuple[Field, ...]:
        return self._with_aliases(LOG_FIELDS)

    def survey_fields(self) -> tuple[Field, ...]:
        return self._with_aliases(SURVEY_BASE_FIELDS + self.dimensions)

    def _with_aliases(self, fields: tuple[Field, ...]) -> tuple[Field, ...]:
        return tuple(
            replace(f, aliases=f.aliases + self.header_aliases[f.key]) if f.key in self.header_aliases else f
            for f in fields
        )

    def level(self, code: str) -> str:
        return self.rule_levels.get(code, str(RULES[code].level))


def as_list(value: object) -> list[str]:
    if isinstance(value, list | tuple):
        return [clean_text(v) for v in value if not is_blank(v)]
    return [part.strip() for part in _LIST_SPLIT.split(clean_text(value)) if part.strip()]


def as_label(text: str, key: str | None = None) -> Label:
    names = [n.strip() for n in text.split("|") if n.strip()]
    en, zh = names[0], names[1] if len(names) > 1 else names[0]
    return Label(key or en, en, zh, tuple(names[2:]))


class _Builder:
    """Collects entries layer by layer, then makes the `Settings`; bad values become problems."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}
        self.origins: dict[str, Origin] = {}
        self.problems: list[Problem] = []

    def add(self, entry: Entry) -> None:
        self.origins[entry.key] = entry.origin
        try:
            self._apply(entry.key, entry.value)
        except ValueError as exc:
            self._report(entry, "invalid-setting", str(exc))
        except LookupError:
            self._report(entry, "unknown-setting")

    def _report(self, entry: Entry, code: str, reason: str = "") -> None:
        origin = entry.origin
        if origin.file is not None:
            raise ConfigError(f"{origin.file}: setting '{entry.key}': {reason or 'unknown setting'}")
        params = (("key", entry.key), ("reason", reason))
        value = "•••" if entry.key in SECRET_KEYS else clean_text(entry.value)  # never copy a password out
        self.problems.append(Problem(code, origin.sheet or "", origin.row, origin.column, None, value, params))

    def _apply(self, key: str, value: object) -> None:
        parts = key.split(".")
        if key in ("log.sheet", "survey.sheet"):
            self.values[key] = clean_text(value) or None
        elif parts[0] == "headers" and len(parts) == 2 and parts[1] in _field_keys():
            self.values[key] = tuple(as_list(value))
        elif key == "categories":
            labels = tuple(as_label(text) for text in as_list(value))
            if not labels:
                raise ValueError("the category list is empty")
            self.values[key] = labels
        elif parts[0] == "aliases" and len(parts) == 3 and parts[1] in ("severity", "status"):
            known = {lab.key for lab in (SEVERITIES if parts[1] == "severity" else STATUSES)}
            if parts[2] not in known:
                raise ValueError(f"known {parts[1]} keys: {', '.join(sorted(known))}")
            self.values[key] = tuple(as_list(value))
        elif key == "dimensions":
            keys = tuple(as_list(value))
            if not keys or not all(re.fullmatch(r"[a-z][a-z0-9_]*", k) for k in keys):
                raise ValueError("dimension keys are lower-case words such as 'skill'")
            self.values[key] = keys
        elif parts[0] == "dimension" and len(parts) == 3 and parts[2] in ("name", "scale", "weight"):
            self.values[key] = _dimension_value(parts[2], value)
        elif parts[0] == "rules" and len(parts) == 2 and parts[1] in RULES:
            level = clean_text(value).casefold()
            if level not in (Level.ERROR, Level.WARNING, OFF):
                raise ValueError("use error, warning or off")
            self.values[key] = level
        elif key == "score.target":
            self.values[key] = _number(value, "the target is a score from 0 to 100, such as 80", 0, 100)
        elif key == "score.min_responses":
            count = parse_whole(value)
            if count is None or count < 1:
                raise ValueError("a whole number of responses, such as 30")
            self.values[key] = count
        elif key == "score.by":
            self.values[key] = cut_fields(as_list(value))
        elif key == "score.outcome":
            self.values[key] = clean_text(value)
        elif parts[0] == "mail" and len(parts) == 2:
            self.values[key] = mail_value(key, value)
        elif parts[0] in FLAG_PREFIXES:
            self.values[key] = flag_value(key, value)
        elif key == "output.lang":
            lang = clean_text(value).casefold()
            if lang not in ("auto", "en", "zh"):
                raise ValueError("use auto, en or zh")
            self.values[key] = lang
        else:
            raise LookupError(key)

    def build(self) -> Settings:
        v = self.values
        dimensions = _dimensions(v)
        weights, weight_error = self._weights(dimensions)
        return Settings(
            log_sheet=v.get("log.sheet"),  # type: ignore[arg-type]
            survey_sheet=v.get("survey.sheet"),  # type: ignore[arg-type]
            header_aliases=MappingProxyType({k.split(".")[1]: x for k, x in v.items() if k.startswith("headers.")}),
            categories=v.get("categories", DEFAULT_CATEGORIES),  # type: ignore[arg-type]
            severities=_with_label_aliases(SEVERITIES, v, "severity"),
            statuses=_with_label_aliases(STATUSES, v, "status"),
            dimensions=dimensions,
            weights=MappingProxyType(weights),
            weight_error=weight_error,
            rule_levels=MappingProxyType({k.split(".")[1]: x for k, x in v.items() if k.startswith("rules.")}),
            lang=v.get("output.lang", "auto"),  # type: ignore[arg-type]
            target=v.get("score.target", Fraction(80)),  # type: ignore[arg-type]
            min_responses=v.get("score.min_responses", 30),  # type: ignore[arg-type]
            score_by=v.get("score.by", ()),  # type: ignore[arg-type]
            outcome=v.get("score.outcome", "overall"),  # type: ignore[arg-type]
            flags=flag_rules(v),
            mail=MappingProxyType({k: x for k, x in v.items() if k.startswith("mail.")}),
        )

    def _weights(self, dimensions: tuple[Field, ...]) -> tuple[dict[str, Fraction], str | None]:
        """Each dimension's weight in percent: all given and adding up to 100, or none given (equal shares).

        Weights of dimensions not in use are ignored. A bad set is reported once, as an
        `invalid-weights` problem at the first weight's cell (a `ConfigError` when any of them
        came from a config file), and recorded in `Settings.weight_error` so scoring can refuse.
        """
        keys = [f"dimension.{d.key}.weight" for d in dimensions]
        given: dict[str, Fraction] = {k: self.values[k] for k in keys if k in self.values}  # type: ignore[misc]
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


def cut_fields(names: Iterable[str]) -> tuple[str, ...]:
    """Validated `score.by` / `--by` field names, in the order given, without repeats."""
    wanted = tuple(dict.fromkeys(n.strip().casefold() for n in names if n.strip()))
    unknown = [n for n in wanted if n not in CUT_FIELDS and n != "region"]
    if unknown:
        raise ValueError(f"cannot group by {', '.join(unknown)}; use {', '.join(CUT_FIELDS)}")
    return tuple(n for n in wanted if n != "region")


def _exact(value: object, reason: str) -> Fraction:
    """A number typed as `80`, `80.5` or `20%`, exactly; `ValueError(reason)` for anything else (NaN, inf)."""
    number = parse_exact(value)
    if number is None:
        raise ValueError(reason)
    return number


def _number(value: object, reason: str, low: int, high: int) -> Fraction:
    number = _exact(value, reason)
    if not low <= number <= high:
        raise ValueError(reason)
    return number


def _percent(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{float(value):.4g}"


def _field_keys() -> set[str]:
    return {f.key for f in LOG_FIELDS + SURVEY_BASE_FIELDS + DEFAULT_DIMENSIONS}


def _dimension_value(attribute: str, value: object) -> object:
    if attribute == "name":
        if not as_list(value):
            raise ValueError("a name is needed")
        return as_label(as_list(value)[0])
    if attribute == "scale":
        scale = parse_whole(value)
        if scale is None or not 2 <= scale <= 100:
            raise ValueError("the scale is the highest rating, a whole number from 2 to 100 such as 10 or 5")
        return scale
    weight = _exact(value, "a weight is a percentage such as 20 or 20%")
    if weight < 0:
        raise ValueError("a weight cannot be negative")
    return weight


def _dimensions(values: Mapping[str, object]) -> tuple[Field, ...]:
    defaults = {d.key: d for d in DEFAULT_DIMENSIONS}
    keys = values.get("dimensions", tuple(defaults))
    result = []
    for key in keys:  # type: ignore[union-attr]
        base = defaults.get(key, Field(key, key, key, Kind.RATING))
        if (name := values.get(f"dimension.{key}.name")) is not None:
            base = replace(base, en=name.en, zh=name.zh, aliases=name.aliases)  # type: ignore[attr-defined]
        if (scale := values.get(f"dimension.{key}.scale")) is not None:
            base = replace(base, scale=scale)  # type: ignore[arg-type]
        result.append(base)
    return tuple(result)


def _with_label_aliases(labels: tuple[Label, ...], values: Mapping[str, object], kind: str) -> tuple[Label, ...]:
    return tuple(
        replace(lab, aliases=lab.aliases + values[f"aliases.{kind}.{lab.key}"])  # type: ignore[operator]
        if f"aliases.{kind}.{lab.key}" in values
        else lab
        for lab in labels
    )


def sheet_entries(sheet: str, rows: list[list[object]]) -> Iterable[Entry]:
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
    """Flattened entries of a TOML config's text (`source` names the file in messages); broken text is a `ConfigError`."""
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
