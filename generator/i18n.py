"""Formatting for the site's language, defined once: counts, dates at their precision, country
names, and gettext for UI strings (Babel catalogues under generator/locale, English built in).

Every number, date and country name that reaches a page, a chart or a table goes through here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from generator.periods import Span

LOCALE_DIR = Path(__file__).parent / "locale"

REGION_NAMES = {
    "global": "Global",
    "unknown": "Unknown",
    "africa": "Africa",
    "asia": "Asia",
    "europe": "Europe",
    "eu": "European Union",
    "latin-america": "Latin America",
    "middle-east": "Middle East",
    "north-america": "North America",
    "oceania": "Oceania",
}


@dataclass
class Formatter:
    """Formats values for one language; pages, charts and exports share one instance."""

    language: str = "en"
    translations: NullTranslations = field(init=False)
    locale: Locale = field(init=False)

    def __post_init__(self) -> None:
        self.locale = Locale.parse(self.language)
        self.translations = Translations.load(str(LOCALE_DIR), [self.language], domain="messages")

    def gettext(self, text: str) -> str:
        return self.translations.gettext(text)

    def count(self, value: int | float | None, approximate: bool = False) -> str:
        """`1,234`; `~1,234` when approximate; an en dash when not disclosed."""
        if value is None:
            return "–"
        text = format_decimal(value, locale=self.locale)
        return f"~{text}" if approximate else text

    def signed(self, value: int) -> str:
        text = format_decimal(abs(value), locale=self.locale)
        return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else "±0")

    def day(self, value: date) -> str:
        return format_date(value, "long", locale=self.locale)

    def span(self, value: Span) -> str:
        """A date at the precision it was given: `15 February 2024`, `February 2024`, `Q1 2024`."""
        start = value.start
        if value.precision == "day":
            return format_date(start, "long", locale=self.locale)
        if value.precision == "month":
            return format_date(start, "LLLL y", locale=self.locale)
        if value.precision == "quarter":
            return format_date(start, "QQQ y", locale=self.locale)
        if value.precision == "half":
            half = 1 if start.month <= 6 else 2
            return self.gettext("H%(half)d %(year)d") % {"half": half, "year": start.year}
        return str(start.year)

    def country(self, code: str) -> str:
        """Country or region name in the site's language: `RO` -> `Romania`."""
        if code in REGION_NAMES:
            return self.gettext(REGION_NAMES[code])
        name = self.locale.territories.get(code)
        if name:
            return name
        import pycountry

        found = pycountry.countries.get(alpha_2=code)
        return found.name if found else code

    def countries(self, codes: tuple[str, ...]) -> str:
        return ", ".join(self.country(c) for c in codes)
