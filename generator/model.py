"""Typed, immutable records built from validated content. Drafts and embargoed periods (and all
their records) are dropped HERE, so no later stage can leak them.

Takes `validate.Checked` and "today"; gives a `Site`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from generator.periods import Span, parse_span, period_of_span
from generator.schema import SURFACES

ACCOUNT_SURFACES = ("facebook_accounts", "instagram_accounts", "threads_accounts", "x_accounts")
"""Surfaces that are accounts: their sum stands in for `accounts` when a platform gives no total."""


@dataclass(frozen=True)
class Source:
    title: str
    url: str
    archive_url: str | None = None


@dataclass(frozen=True)
class Correction:
    date: date
    note: str


@dataclass(frozen=True)
class Attribution:
    actor: str
    country: tuple[str, ...] = ()
    state_affiliated: bool | None = None
    confidence: str | None = None


@dataclass(frozen=True)
class AdSpend:
    amount: float | int
    currency: str | None


@dataclass(frozen=True)
class Operation:
    """One disrupted network, as published."""

    id: str
    title: str
    takedown: Span
    period: Span
    """The reporting period that disclosed it (`report`, else the period containing takedown)."""
    origin: tuple[str, ...]
    targets: tuple[str, ...]
    detection: str
    accounts: int | None
    """Accounts removed as the platform stated them; None when it gave only per-surface counts."""
    followers: int | None
    approximate: frozenset[str]
    surfaces: tuple[tuple[str, int], ...]
    """(surface, count) pairs in the schema's order."""
    ad_spend: AdSpend | None
    attribution: Attribution | None
    activity_first: Span | None
    activity_last: Span | None
    techniques: tuple[str, ...]
    related: tuple[str, ...]
    previous_ids: tuple[str, ...]
    narratives: tuple[str, ...]
    summary: str
    sources: tuple[Source, ...]
    corrections: tuple[Correction, ...]
    path: str
    """The content file it came from (for messages; never published)."""

    @property
    def accounts_total(self) -> int | None:
        """Accounts removed: the stated total, else the sum of account-type surfaces."""
        if self.accounts is not None:
            return self.accounts
        counts = [n for name, n in self.surfaces if name in ACCOUNT_SURFACES]
        return sum(counts) if counts else None

    def is_approximate(self, figure: str) -> bool:
        if figure == "accounts" and self.accounts is None:
            return any(name in self.approximate for name, _ in self.surfaces)
        return figure in self.approximate


@dataclass(frozen=True)
class Period:
    """A published reporting period and the networks it disclosed."""

    span: Span
    title: str
    published: date
    intro: str
    """Markdown body of the period's intro file."""
    operations: tuple[Operation, ...]

    @property
    def name(self) -> str:
        return self.span.name


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    order: int
    body: str


@dataclass(frozen=True)
class Look:
    """The site's own look, from site.yaml's `theme` and `footer_links` and its overrides/ folder."""

    primary: str | None = None
    """A palette name (`teal`) or a hex colour (`#1d3557`); None for the built-in colour."""
    accent: str | None = None
    logo: str | None = None
    """Path of the logo inside the overrides folder (`assets/logo.svg`)."""
    favicon: str | None = None
    footer_links: tuple[tuple[str, str], ...] = ()
    """(title, url) of each footer link."""
    overrides: str | None = None
    """The overrides/ folder next to site.yaml, when there is one (templates, CSS, images)."""


@dataclass(frozen=True)
class Site:
    platform: str
    title: str
    base_url: str
    cadence: str
    language: str
    description: str
    today: date
    operations: tuple[Operation, ...]
    """Every published, unembargoed network, newest period first, then by id."""
    periods: tuple[Period, ...]
    """Published periods, newest first."""
    pages: tuple[Page, ...]
    dropped: dict[str, int] = field(default_factory=dict, compare=False)
    """How many records were left out and why (counts only, for the build log)."""
    look: Look = field(default_factory=Look)

    def operation(self, operation_id: str) -> Operation | None:
        return next((op for op in self.operations if op.id == operation_id), None)


def _operation(values: dict[str, Any], path: str, period: Span) -> Operation:
    attribution = values.get("attribution")
    spend = values.get("ad_spend")
    activity = values.get("activity") or {}
    surfaces = values.get("surfaces") or {}
    return Operation(
        id=values["id"],
        title=values["title"],
        takedown=values["takedown"],
        period=period,
        origin=values["origin"],
        targets=values["targets"],
        detection=values["detection"],
        accounts=values.get("accounts"),
        followers=values.get("followers"),
        approximate=frozenset(values.get("approximate", ())),
        surfaces=tuple((name, surfaces[name]) for name in SURFACES if name in surfaces),
        ad_spend=AdSpend(spend["amount"], spend.get("currency")) if spend else None,
        attribution=Attribution(
            attribution["actor"],
            attribution.get("country", ()),
            attribution.get("state_affiliated"),
            attribution.get("confidence"),
        )
        if attribution
        else None,
        activity_first=activity.get("first"),
        activity_last=activity.get("last"),
        techniques=values.get("techniques", ()),
        related=values.get("related", ()),
        previous_ids=values.get("previous_ids", ()),
        narratives=values.get("narratives", ()),
        summary=values["summary"],
        sources=tuple(Source(s["title"], s["url"], s.get("archive_url")) for s in values["sources"]),
        corrections=tuple(Correction(c["date"].start, c["note"]) for c in values.get("corrections", ())),
        path=path,
    )


def build_model(checked, today: date) -> Site:
    """The published site as of `today`. `checked` must be free of errors."""
    site = checked.site
    cadence = site["cadence"]
    published_periods: dict[str, tuple[Span, dict[str, Any], str]] = {}
    for name, (doc, values) in checked.reports.items():
        if values["published"].start <= today:
            published_periods[name] = (
                period_of_span(values["published"], cadence),
                values,
                doc.body,
            )
    dropped = {"draft": 0, "embargoed": 0}
    kept: list[Operation] = []
    for doc, values in checked.operations:
        if values["status"] != "published":
            dropped["draft"] += 1
            continue
        period = values.get("report") or period_of_span(values["takedown"], cadence)
        if period is None or period.name not in published_periods:
            dropped["embargoed"] += 1
            continue
        kept.append(_operation(values, doc.path, period))
    ids = {op.id for op in kept}
    # A link to a record that was left out would leak its id and lead nowhere: drop it.
    kept = [
        op if set(op.related) <= ids else _replace_related(op, tuple(r for r in op.related if r in ids)) for op in kept
    ]
    kept.sort(key=lambda op: (-op.period.start.toordinal(), op.id))
    by_period: dict[str, list[Operation]] = {}
    for op in kept:
        by_period.setdefault(op.period.name, []).append(op)
    periods = []
    for name, (_, values, body) in published_periods.items():
        span = parse_span(name)
        periods.append(
            Period(
                span=span,
                title=values["title"],
                published=values["published"].start,
                intro=body,
                operations=tuple(by_period.get(name, ())),
            )
        )
    periods.sort(key=lambda p: p.span.start, reverse=True)
    pages = tuple(
        sorted(
            (
                Page(
                    doc.path.rsplit("/", 1)[-1].removesuffix(".md"),
                    v["title"],
                    v.get("order", 100),
                    doc.body,
                )
                for doc, v in checked.pages
            ),
            key=lambda p: (p.order, p.slug),
        )
    )
    return Site(
        platform=site["platform"],
        title=site["title"],
        base_url=site["base_url"].rstrip("/") + "/",
        cadence=cadence,
        language=site["language"],
        description=site.get("description", ""),
        today=today,
        operations=tuple(kept),
        periods=tuple(periods),
        pages=pages,
        dropped=dropped,
        look=_look(site, checked.content / "overrides"),
    )


def _look(site: dict[str, Any], overrides: Path) -> Look:
    theme = site.get("theme") or {}
    return Look(
        primary=theme.get("primary"),
        accent=theme.get("accent"),
        logo=theme.get("logo"),
        favicon=theme.get("favicon"),
        footer_links=tuple((link["title"], link["url"]) for link in site.get("footer_links", ())),
        overrides=str(overrides.resolve()) if overrides.is_dir() else None,
    )


def _replace_related(op: Operation, related: tuple[str, ...]) -> Operation:
    return replace(op, related=related)
