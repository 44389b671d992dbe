"""The kinds of value a record field can hold. Each `Kind` parses its own YAML node (appending
`Issue`s with a message id, never raising), describes itself as JSON Schema and labels itself for
the field dictionary. `schema.py` declares the fields with these kinds.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from typing import Any

from generator.load import CONTROL_CHARACTERS, Node
from generator.periods import CADENCES, Span, parse_span

_NULLS = {"", "~", "null", "Null", "NULL"}
_BOOLISH = {"yes", "no", "on", "off", "y", "n", "true", "false"}

REGIONS = (
    "global",
    "africa",
    "asia",
    "europe",
    "eu",
    "latin-america",
    "middle-east",
    "north-america",
    "oceania",
)
"""Named target regions, for disclosures that name no single country."""

_COMMON_CODE_MISTAKES = {"UK": "GB", "EL": "GR", "KO": "XK"}


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem found in one node, before it is given a file name: the walker does that."""

    node: Node
    where: str
    code: str
    message: str
    hint: str = ""


MESSAGES: dict[str, str] = {}
"""Message id -> what it means; the error catalogue is generated from this and tested against
the ids the validator can emit."""


def message(code: str, meaning: str) -> str:
    MESSAGES[code] = meaning
    return code


NOT_TEXT = message("expected-text", "A text field holds a list, a mapping or nothing.")
EMPTY = message("empty-value", "A required value is left empty (or written as null / ~).")
TOO_LONG = message("too-long", "A text is longer than the field allows.")
BAD_SLUG = message("bad-id", "An id uses characters other than lowercase letters, digits, hyphens.")
NOT_COUNT = message("expected-count", "A count is not a whole number >= 0 written in digits.")
NOT_NUMBER = message("expected-number", "An amount is not a number >= 0 written in digits.")
NOT_BOOL = message("expected-boolean", "A yes/no field is not written `true` or `false`.")
NOT_CHOICE = message("expected-choice", "A value is not one of the field's allowed words.")
BAD_DATE = message("bad-date", "A date is not in a supported form or is not a real day.")
BAD_PERIOD = message("bad-period", "A `report` period is not written YYYY-MM, YYYY-qN, YYYY-hN or YYYY.")
BAD_URL = message("bad-url", "A link is not an http(s) address.")
BAD_COUNTRY = message("bad-country", "A country is not an ISO 3166-1 alpha-2 code.")
BAD_TARGET = message("bad-target", "A target is neither an ISO code nor a named region.")
ALONE = message("must-be-alone", "`unknown` or `global` is combined with other values.")
BAD_CURRENCY = message("bad-currency", "A currency is not an ISO 4217 code.")
BAD_TECHNIQUE = message("bad-technique", "A DISARM technique id is not of the form T0000(.000).")
NOT_LIST = message("expected-list", "A field that holds a list holds something else.")
TOO_FEW = message("too-few", "A list has fewer items than required.")
DUPLICATE_ITEM = message("duplicate-item", "A list names the same value twice.")
NOT_MAPPING = message("expected-mapping", "A field (or the whole file) that holds a mapping holds something else.")
UNKNOWN_KEY = message("unknown-key", "A key is not part of the format (often a typo).")
MISSING = message("missing-field", "A required field is missing.")
CONTROL = message("control-character", "A file holds an invisible control character.")
BAD_COLOUR = message("bad-colour", 'A colour is neither a palette name nor a hex colour such as "#1d3557".')
BAD_ASSET = message("bad-asset", "A logo or favicon is not the relative path of an image file.")


def _kind_of(node: Node) -> str:
    if node.kind == "map":
        return "a mapping"
    if node.kind == "seq":
        return "a list"
    return "an alias"


def _is_null(node: Node) -> bool:
    return node.kind == "scalar" and not node.quoted and node.value in _NULLS


def did_you_mean(value: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(value, choices, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


class Kind:
    """How one value is written; subclasses parse a node into a Python value."""

    label = "value"
    """Short human description for the field dictionary, e.g. 'whole number >= 0'."""

    def parse(self, node: Node, where: str, issues: list[Issue]) -> Any:
        raise NotImplementedError

    def json_schema(self) -> dict[str, Any]:
        raise NotImplementedError

    def _scalar(self, node: Node, where: str, issues: list[Issue], expected: str) -> str | None:
        """The scalar's text, or None after reporting a list/mapping/empty value."""
        if node.kind != "scalar":
            if node.kind != "alias":
                issues.append(Issue(node, where, NOT_TEXT, f"expected {expected}, found {_kind_of(node)}"))
            return None
        if not node.quoted and node.value in _NULLS:  # _is_null, inlined: every scalar passes here
            issues.append(
                Issue(
                    node,
                    where,
                    EMPTY,
                    f"expected {expected}, found an empty value",
                    "fill it in, or delete the line if the field is optional",
                )
            )
            return None
        return node.value  # type: ignore[return-value]


@dataclass(frozen=True)
class Text(Kind):
    max_length: int = 300
    markdown: bool = False
    pattern: str | None = None

    @property
    def label(self) -> str:  # type: ignore[override]
        return "Markdown text" if self.markdown else "text"

    def parse(self, node: Node, where: str, issues: list[Issue]) -> str | None:
        value = self._scalar(node, where, issues, "text")
        if value is None:
            return None
        value = value.strip() if not self.markdown else value
        if not value.strip():
            issues.append(Issue(node, where, EMPTY, "expected text, found an empty value"))
            return None
        control = CONTROL_CHARACTERS.search(value)
        if control:  # no feed, page title or search index can carry one (XML refuses them)
            issues.append(
                Issue(
                    node,
                    where,
                    CONTROL,
                    f"text contains the invisible control character U+{ord(control.group()):04X}",
                    "delete it (retype the text if unsure)",
                )
            )
            return None
        if len(value) > self.max_length:
            issues.append(
                Issue(
                    node,
                    where,
                    TOO_LONG,
                    f"text is {len(value):,} characters, more than the {self.max_length:,} allowed",
                    "shorten it",
                )
            )
        return value

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": self.max_length}
        if self.markdown:
            schema["contentMediaType"] = "text/markdown"
        return schema


_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def is_slug(value: str) -> bool:
    """Whether `value` can be an id (and so a file name and a URL path segment)."""
    return len(value) <= 80 and _SLUG.fullmatch(value) is not None


def slug_like(value: str) -> str:
    """The id closest to `value`: accents dropped (`ü` -> `u`), other characters as hyphens."""
    letters = "".join(c for c in unicodedata.normalize("NFKD", value.lower()) if not unicodedata.combining(c))
    return "-".join(re.findall(r"[a-z0-9]+", letters))[:80].rstrip("-")


@dataclass(frozen=True)
class Slug(Kind):
    label = "id: lowercase letters, digits and hyphens"

    def parse(self, node: Node, where: str, issues: list[Issue]) -> str | None:
        value = self._scalar(node, where, issues, "an id")
        if value is None:
            return None
        if not is_slug(value):
            suggestion = slug_like(value)
            issues.append(
                Issue(
                    node,
                    where,
                    BAD_SLUG,
                    f"expected an id of lowercase letters, digits and single hyphens, found '{value}'",
                    f"for example '{suggestion}'" if suggestion else "",
                )
            )
            return None
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": f"^{_SLUG.pattern}$", "maxLength": 80}


_COUNT = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True)
class Count(Kind):
    label = "whole number >= 0"

    def parse(self, node: Node, where: str, issues: list[Issue]) -> int | None:
        value = self._scalar(node, where, issues, "a whole number")
        if value is None:
            return None
        if _COUNT.fullmatch(value):
            return int(value)
        issues.append(
            Issue(
                node,
                where,
                NOT_COUNT,
                f"expected a whole number >= 0, found '{value}'",
                _count_hint(value),
            )
        )
        return None

    def json_schema(self) -> dict[str, Any]:
        return {"type": "integer", "minimum": 0}


def _count_hint(value: str) -> str:
    if re.fullmatch(r"0\d+", value):
        return "remove the leading zero (YAML 1.1 would read it as an octal number)"
    if re.fullmatch(r"\d+(:\d+)+", value):
        return "write digits only (YAML 1.1 would read this as a base-60 number)"
    if re.fullmatch(r"\d{1,3}([,. ]\d{3})+", value):
        plain = re.sub(r"\D", "", value)
        return f"write it without separators: {plain}"
    if value.startswith("-"):
        return "counts cannot be negative"
    if re.search(r"(?i)about|approx|around|~|million|k$|m$|\+", value):
        return "write the figure in digits and list the field under `approximate:`"
    return "write digits only, e.g. 1234"


_NUMBER = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]+)?")


@dataclass(frozen=True)
class Amount(Kind):
    label = "number >= 0"

    def parse(self, node: Node, where: str, issues: list[Issue]) -> float | int | None:
        value = self._scalar(node, where, issues, "a number")
        if value is None:
            return None
        if _NUMBER.fullmatch(value):
            return float(value) if "." in value else int(value)
        issues.append(
            Issue(
                node,
                where,
                NOT_NUMBER,
                f"expected a number >= 0, found '{value}'",
                _count_hint(value),
            )
        )
        return None

    def json_schema(self) -> dict[str, Any]:
        return {"type": "number", "minimum": 0}


@dataclass(frozen=True)
class Boolean(Kind):
    label = "true or false"

    def parse(self, node: Node, where: str, issues: list[Issue]) -> bool | None:
        value = self._scalar(node, where, issues, "true or false")
        if value is None:
            return None
        if value in ("true", "false") and not node.quoted:
            return value == "true"
        hint = "write true or false"
        if value.lower() in _BOOLISH:
            hint += " (YAML 1.1 reads yes/no/on/off differently from YAML 1.2)"
        issues.append(Issue(node, where, NOT_BOOL, f"expected true or false, found '{value}'", hint))
        return None

    def json_schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Choice(Kind):
    choices: tuple[str, ...] = ()

    @property
    def label(self) -> str:  # type: ignore[override]
        return "one of " + ", ".join(self.choices)

    def parse(self, node: Node, where: str, issues: list[Issue]) -> str | None:
        value = self._scalar(node, where, issues, "one of " + ", ".join(self.choices))
        if value is None:
            return None
        if value in self.choices:
            return value
        issues.append(
            Issue(
                node,
                where,
                NOT_CHOICE,
                f"expected one of {', '.join(self.choices)}, found '{value}'",
                did_you_mean(value.lower(), self.choices),
            )
        )
        return None

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": list(self.choices)}


@dataclass(frozen=True)
class When(Kind):
    """A date at the precision the source gives: day, month, quarter or half year."""

    precisions: tuple[str, ...] = ("day", "month", "quarter", "half")
    code: str = BAD_DATE
    """Message id of a value that is not such a date (`bad-period` for period names)."""

    @property
    def label(self) -> str:  # type: ignore[override]
        forms = {
            "day": "YYYY-MM-DD",
            "month": "YYYY-MM",
            "quarter": "YYYY-qN",
            "half": "YYYY-hN",
            "year": "YYYY",
        }
        return "date: " + ", ".join(forms[p] for p in self.precisions)

    def parse(self, node: Node, where: str, issues: list[Issue]) -> Span | None:
        value = self._scalar(node, where, issues, "a date")
        if value is None:
            return None
        try:
            span = _parse_span(value)
        except ValueError as exc:
            issues.append(
                Issue(
                    node,
                    where,
                    self.code,
                    f"expected {self.label.removeprefix('date: ')}, found '{value}' ({exc})",
                    "give the date only as precisely as the source does",
                )
            )
            return None
        if span.precision not in self.precisions:
            issues.append(
                Issue(
                    node,
                    where,
                    self.code,
                    f"expected {self.label.removeprefix('date: ')}, found '{value}'",
                    "",
                )
            )
            return None
        return span

    def json_schema(self) -> dict[str, Any]:
        forms = {
            "day": r"\d{4}-\d{2}-\d{2}",
            "month": r"\d{4}-\d{2}",
            "quarter": r"\d{4}-[qQ][1-4]",
            "half": r"\d{4}-[hH][12]",
            "year": r"\d{4}",
        }
        return {
            "type": "string",
            "pattern": "^(" + "|".join(forms[p] for p in self.precisions) + ")$",
        }


_parse_span = lru_cache(maxsize=4096)(parse_span)
"""`parse_span`, remembered: thousands of records name the same few hundred months and days."""

DAY = When(("day",))
PERIOD = When(CADENCES, BAD_PERIOD)


_URL_UNSAFE = re.compile(r'[\s"<>\\`\x00-\x1f\x7f-\x9f]')
"""Characters a URL must percent-encode; raw, they could break out of an HTML attribute."""


@dataclass(frozen=True)
class Url(Kind):
    label = "http(s) URL"

    def parse(self, node: Node, where: str, issues: list[Issue]) -> str | None:
        value = self._scalar(node, where, issues, "a URL")
        if value is None:
            return None
        url = value.strip()
        try:
            parts = urllib.parse.urlsplit(url)
        except ValueError:  # e.g. an unclosed IPv6 bracket: `http://[oops/`
            parts = urllib.parse.urlsplit("")
        unsafe = _URL_UNSAFE.search(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or unsafe:
            issues.append(
                Issue(
                    node,
                    where,
                    BAD_URL,
                    f"expected an http:// or https:// address, found '{value}'",
                    "quotes, < and > must be percent-encoded (%22, %3C, %3E)"
                    if re.search(r'["<>]', url)
                    else "copy the full address from the browser's address bar",
                )
            )
            return None
        return url

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "uri", "pattern": "^https?://"}


PALETTE = (
    "red",
    "pink",
    "purple",
    "deep purple",
    "indigo",
    "blue",
    "light blue",
    "cyan",
    "teal",
    "green",
    "light green",
    "lime",
    "yellow",
    "amber",
    "orange",
    "deep orange",
    "brown",
    "grey",
    "blue grey",
    "black",
    "white",
)
"""The theme's named colours (Material for MkDocs); accents exclude the last five."""

_HEX = re.compile(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})")


@dataclass(frozen=True)
class Colour(Kind):
    """A palette name (`teal`, `deep purple`) or a CSS hex colour, quoted (`"#1d3557"`)."""

    names: tuple[str, ...] = PALETTE

    @property
    def label(self) -> str:  # type: ignore[override]
        return "colour: a palette name (" + ", ".join(self.names) + ') or a hex colour such as "#1d3557"'

    def parse(self, node: Node, where: str, issues: list[Issue]) -> str | None:
        if _is_null(node):
            # `primary: #1d3557` reads as an empty value: YAML starts a comment at the #
            hint = 'a # starts a comment in YAML: write hex colours in quotes, e.g. "#1d3557"'
            issues.append(Issue(node, where, EMPTY, "expected a colour, found an empty value", hint))
            return None
        value = self._scalar(node, where, issues, "a colour")
        if value is None:
            return None
        if _HEX.fullmatch(value):
            digits = value[1:].lower()
            return "#" + ("".join(c * 2 for c in digits) if len(digits) == 3 else digits)
        name = value.strip().lower().replace("-", " ")
        if name in self.names:
            return name
        issues.append(
            Issue(
                node,
                where,
                BAD_COLOUR,
                f"expected a palette colour or a hex colour such as \"#1d3557\", found '{value}'",
                "a hex colour is # and 3 or 6 digits 0-9, a-f"
                if value.startswith("#")
                else did_you_mean(name, self.names) or "palette colours: " + ", ".join(self.names),
            )
        )
        return None

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "anyOf": [{"enum": list(self.names)}, {"pattern": f"^{_HEX.pattern}$"}]}


IMAGE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico")
_ASSET = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*\.(?:svg|png|jpe?g|gif|webp|ico)")
"""Letters, digits, `.`, `_` and `-` only: the path is written into every page's HTML unescaped by the theme."""


@dataclass(frozen=True)
class Asset(Kind):
    """An image file kept in the site's `overrides/` folder, named by its path inside it."""

    label = "path of an image inside overrides/, e.g. assets/logo.svg"

    def parse(self, node: Node, where: str, issues: list[Issue]) -> str | None:
        value = self._scalar(node, where, issues, "a file path")
        if value is None:
            return None
        if not _ASSET.fullmatch(value):
            issues.append(
                Issue(
                    node,
                    where,
                    BAD_ASSET,
                    f"expected the path of an image inside overrides/ such as assets/logo.svg, found '{value}'",
                    "put the image in the overrides/ folder next to site.yaml and write its path from there, "
                    "with letters, digits, '.', '_' and '-' only (" + ", ".join(IMAGE_SUFFIXES) + ")",
                )
            )
            return None
        return value

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": f"^{_ASSET.pattern}$"}


@cache
def country_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_2 for c in pycountry.countries) | {"XK"}


def _suggest_country(value: str) -> str:
    import pycountry

    upper = value.upper()
    if upper in _COMMON_CODE_MISTAKES:
        return f"did you mean '{_COMMON_CODE_MISTAKES[upper]}'?"
    if upper in country_codes():
        return f"did you mean '{upper}'? codes are written in capitals"
    try:
        found = pycountry.countries.lookup(value)
    except LookupError:
        found = None
    if found is None:
        try:
            matches = pycountry.countries.search_fuzzy(value) if len(value) > 3 else []
        except LookupError:
            matches = []
        found = matches[0] if matches else None
    return f"did you mean '{found.alpha_2}' ({found.name})?" if found else ""


@dataclass(frozen=True)
class Places(Kind):
    """A list of ISO 3166-1 alpha-2 codes, or one of the words allowed alone."""

    alone: tuple[str, ...] = ("unknown",)
    regions: tuple[str, ...] = ()

    @property
    def label(self) -> str:  # type: ignore[override]
        text = "list of ISO 3166-1 alpha-2 codes"
        if self.regions:
            text += ", named regions (" + ", ".join(self.regions) + ")"
        return text + " or [" + " | ".join(self.alone) + "]"

    def parse(self, node: Node, where: str, issues: list[Issue]) -> tuple[str, ...] | None:
        if node.kind == "scalar" and not _is_null(node):
            items = [node]  # `origin: RU` is understood as `[RU]`
        elif node.kind != "seq":
            if _is_null(node):
                issues.append(Issue(node, where, EMPTY, "expected a list of country codes, found an empty value"))
            elif node.kind != "alias":
                issues.append(
                    Issue(
                        node,
                        where,
                        NOT_LIST,
                        f"expected a list of country codes, found {_kind_of(node)}",
                    )
                )
            return None
        else:
            items = node.value  # type: ignore[assignment]
        if not items:
            issues.append(
                Issue(
                    node,
                    where,
                    TOO_FEW,
                    "expected at least one country code",
                    f"write [{self.alone[0]}] if the source does not say",
                )
            )
            return None
        codes: list[str] = []
        ok = True
        valid = country_codes()
        for index, item in enumerate(items):
            here = f"{where}[{index + 1}]"
            value = self._scalar(item, here, issues, "a country code")
            if value is None:
                ok = False
                continue
            if value in valid or value in self.alone or value in self.regions:
                if value in codes:
                    issues.append(Issue(item, here, DUPLICATE_ITEM, f"'{value}' is listed twice", "remove one"))
                codes.append(value)
                continue
            ok = False
            code = BAD_TARGET if self.regions else BAD_COUNTRY
            issues.append(
                Issue(
                    item,
                    here,
                    code,
                    f"expected an ISO 3166-1 alpha-2 country code, found '{value}'",
                    _suggest_country(value) or did_you_mean(value.lower(), self.regions + self.alone),
                )
            )
        for word in self.alone:
            if word in codes and len(codes) > 1:
                issues.append(
                    Issue(
                        node,
                        where,
                        ALONE,
                        f"'{word}' cannot be combined with other values",
                        f"write [{word}] alone, or list the codes",
                    )
                )
                ok = False
        return tuple(codes) if ok else None

    def json_schema(self) -> dict[str, Any]:
        item = {
            "type": "string",
            "enum": sorted(country_codes()) + list(self.alone) + list(self.regions),
        }
        return {"type": "array", "items": item, "minItems": 1, "uniqueItems": True}


@dataclass(frozen=True)
class Currency(Kind):
    label = "ISO 4217 currency code"

    def parse(self, node: Node, where: str, issues: list[Issue]) -> str | None:
        value = self._scalar(node, where, issues, "a currency code")
        if value is None:
            return None
        codes = currency_codes()
        if value in codes:
            return value
        issues.append(
            Issue(
                node,
                where,
                BAD_CURRENCY,
                f"expected an ISO 4217 currency code such as USD or EUR, found '{value}'",
                did_you_mean(value.upper(), sorted(codes))
                if value.upper() not in codes
                else f"did you mean '{value.upper()}'?",
            )
        )
        return None

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": sorted(currency_codes())}


@cache
def currency_codes() -> frozenset[str]:
    import pycountry

    return frozenset(c.alpha_3 for c in pycountry.currencies)


_TECHNIQUE = re.compile(r"T\d{4}(?:\.\d{3})?")


@dataclass(frozen=True)
class Technique(Kind):
    label = "DISARM technique id (T0000 or T0000.000)"

    def parse(self, node: Node, where: str, issues: list[Issue]) -> str | None:
        value = self._scalar(node, where, issues, "a DISARM technique id")
        if value is None:
            return None
        if _TECHNIQUE.fullmatch(value):
            return value
        issues.append(
            Issue(
                node,
                where,
                BAD_TECHNIQUE,
                f"expected a DISARM technique id such as T0097 or T0097.101, found '{value}'",
                "see https://www.disarm.foundation/ for the framework's ids",
            )
        )
        return None

    def json_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": f"^{_TECHNIQUE.pattern}$"}


@dataclass(frozen=True)
class ListOf(Kind):
    item: Kind = field(default_factory=Text)
    min_items: int = 0
    max_items: int = 1000

    @property
    def label(self) -> str:  # type: ignore[override]
        return f"list of {self.item.label}"

    def parse(self, node: Node, where: str, issues: list[Issue]) -> tuple | None:
        if node.kind != "seq":
            if node.kind == "alias":
                return None
            found = (
                "an empty value" if _is_null(node) else (f"'{node.value}'" if node.kind == "scalar" else _kind_of(node))
            )
            issues.append(
                Issue(
                    node,
                    where,
                    NOT_LIST,
                    f"expected a list, found {found}",
                    "write items as `- item` lines, or [a, b]",
                )
            )
            return None
        items = node.value  # type: ignore[assignment]
        if len(items) < self.min_items:
            issues.append(
                Issue(
                    node,
                    where,
                    TOO_FEW,
                    f"expected at least {self.min_items} item(s), found {len(items)}",
                )
            )
        if len(items) > self.max_items:
            issues.append(
                Issue(
                    node,
                    where,
                    TOO_LONG,
                    f"expected at most {self.max_items} items, found {len(items)}",
                )
            )
            return None
        values = []
        ok = True
        for index, child in enumerate(items):
            value = self.item.parse(child, f"{where}[{index + 1}]", issues)
            if value is None:
                ok = False
            elif isinstance(value, str) and value in values:
                issues.append(
                    Issue(
                        child,
                        f"{where}[{index + 1}]",
                        DUPLICATE_ITEM,
                        f"'{value}' is listed twice",
                        "remove one",
                    )
                )
                values.append(value)  # kept, so later items keep their positions for other rules
            else:
                values.append(value)
        return tuple(values) if ok else None

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.item.json_schema()}
        if self.min_items:
            schema["minItems"] = self.min_items
        return schema


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    doc: str
    required: bool = False
    example: Any = None


@dataclass(frozen=True)
class Record(Kind):
    """A mapping with declared fields; unknown keys get a 'did you mean'."""

    fields: tuple[Field, ...] = ()
    title: str = ""
    label = "mapping"

    def field_named(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    @cached_property
    def _by_name(self) -> dict[str, Field]:
        # worked out once per declaration, not once per record: parse() runs 10,000s of times
        return {f.name: f for f in self.fields}

    @cached_property
    def _required(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)

    def parse(self, node: Node, where: str, issues: list[Issue]) -> dict[str, Any] | None:
        if node.kind != "map":
            if node.kind != "alias":
                found = f"'{node.value}'" if node.kind == "scalar" else _kind_of(node)
                if _is_null(node):
                    found = "an empty value"
                issues.append(
                    Issue(
                        node,
                        where,
                        NOT_MAPPING,
                        f"expected a mapping of `key: value` lines, found {found}",
                    )
                )
            return None
        known = self._by_name
        values: dict[str, Any] = {}
        seen: set[str] = set()
        prefix = f"{where}." if where else ""
        ok = True
        for key, child in node.value:  # type: ignore[union-attr]
            name = key.value
            spec = known.get(name) if isinstance(name, str) else None
            if spec is None:
                issues.append(
                    Issue(
                        key,
                        f"{prefix}{name}",
                        UNKNOWN_KEY,
                        f"unknown key '{name}'",
                        did_you_mean(str(name), list(known)) or "allowed keys: " + ", ".join(known),
                    )
                )
                ok = False
                continue
            seen.add(name)
            value = spec.kind.parse(child, f"{prefix}{name}", issues)
            if value is None:
                ok = False
            else:
                values[name] = value
        for spec in self._required:
            if spec.name not in seen:
                issues.append(
                    Issue(
                        node,
                        f"{prefix}{spec.name}",
                        MISSING,
                        f"missing required field '{spec.name}'",
                        f"add `{spec.name}: ...` ({spec.kind.label})",
                    )
                )
                ok = False
        return values if ok else None

    def json_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "additionalProperties": False,
            "properties": {f.name: {**f.kind.json_schema(), "description": f.doc} for f in self.fields},
        }
        required = [f.name for f in self.fields if f.required]
        if required:
            schema["required"] = required
        if self.title:
            schema["title"] = self.title
        return schema
