"""Figures computed from the model: totals per period, per country and all-time, period-over-period
change, origin -> target pairs. Plain data, no formatting.

Takes a `model.Site`; gives `Figures`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from generator.model import Operation, Period, Site

PLACEHOLDERS = ("unknown", "global")
"""Values of origin/targets that are not places and get no country page."""


@dataclass(frozen=True)
class Totals:
    networks: int
    accounts: int
    """Sum of accounts removed over the networks that state them (see Operation.accounts_total)."""
    accounts_approximate: bool
    """True when any summed account figure is approximate."""
    followers: int
    followers_approximate: bool
    followers_undisclosed: int
    """Networks whose follower count was not disclosed (not counted in `followers`)."""


@dataclass(frozen=True)
class Change:
    """Difference from an earlier period's totals."""

    previous: Period
    networks: int
    accounts: int
    followers: int


@dataclass(frozen=True)
class PeriodFigures:
    period: Period
    totals: Totals
    change: Change | None
    """Against the previous published period; None for the first."""
    origins: tuple[tuple[str, int], ...]
    """(origin, networks) for this period, most first."""


@dataclass(frozen=True)
class CountryFigures:
    code: str
    as_origin: tuple[Operation, ...]
    as_target: tuple[Operation, ...]
    origin_totals: Totals
    target_totals: Totals
    by_period: tuple[tuple[str, int, int], ...]
    """(period name, networks operated from it, networks targeting it), oldest first."""


@dataclass(frozen=True)
class Figures:
    all_time: Totals
    periods: tuple[PeriodFigures, ...]
    """Newest first, like `Site.periods`."""
    countries: tuple[CountryFigures, ...]
    """Sorted by code."""
    by_origin: tuple[tuple[str, int, int, int], ...]
    """(origin, networks, accounts, followers), most networks first."""
    origin_target: tuple[tuple[str, str, int], ...]
    """(origin, target, networks) for every pair seen, sorted."""

    def country(self, code: str) -> CountryFigures | None:
        return next((c for c in self.countries if c.code == code), None)

    def for_period(self, name: str) -> PeriodFigures | None:
        return next((p for p in self.periods if p.period.name == name), None)


def totals_of(operations: Iterable[Operation]) -> Totals:
    networks = accounts = followers = undisclosed = 0
    accounts_approx = followers_approx = False
    for op in operations:
        networks += 1
        total = op.accounts_total
        if total is not None:
            accounts += total
            accounts_approx = accounts_approx or op.is_approximate("accounts")
        if op.followers is None:
            undisclosed += 1
        else:
            followers += op.followers
            followers_approx = followers_approx or op.is_approximate("followers")
    return Totals(networks, accounts, accounts_approx, followers, followers_approx, undisclosed)


def _ranked(counter: Counter[str]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(counter.items(), key=lambda item: (-item[1], item[0])))


def aggregate(site: Site) -> Figures:
    periods: list[PeriodFigures] = []
    oldest_first = list(reversed(site.periods))
    for index, period in enumerate(oldest_first):
        totals = totals_of(period.operations)
        change = None
        if index:
            before = oldest_first[index - 1]
            previous = totals_of(before.operations)
            change = Change(
                before,
                totals.networks - previous.networks,
                totals.accounts - previous.accounts,
                totals.followers - previous.followers,
            )
        origins = Counter(code for op in period.operations for code in op.origin)
        periods.append(PeriodFigures(period, totals, change, _ranked(origins)))
    periods.reverse()

    origin_ops: dict[str, list[Operation]] = defaultdict(list)
    target_ops: dict[str, list[Operation]] = defaultdict(list)
    pairs: Counter[tuple[str, str]] = Counter()
    for op in site.operations:
        for code in op.origin:
            origin_ops[code].append(op)
            for target in op.targets:
                pairs[(code, target)] += 1
        for code in op.targets:
            target_ops[code].append(op)

    period_names = [p.name for p in oldest_first]
    countries = []
    for code in sorted((set(origin_ops) | set(target_ops)) - set(PLACEHOLDERS)):
        as_origin = tuple(origin_ops.get(code, ()))
        as_target = tuple(target_ops.get(code, ()))
        origin_count = Counter(op.period.name for op in as_origin)
        target_count = Counter(op.period.name for op in as_target)
        countries.append(
            CountryFigures(
                code,
                as_origin,
                as_target,
                totals_of(as_origin),
                totals_of(as_target),
                tuple((n, origin_count[n], target_count[n]) for n in period_names),
            )
        )
    by_origin = []
    for code, ops in origin_ops.items():
        t = totals_of(ops)
        by_origin.append((code, t.networks, t.accounts, t.followers))
    by_origin.sort(key=lambda row: (-row[1], row[0]))
    return Figures(
        all_time=totals_of(site.operations),
        periods=tuple(periods),
        countries=tuple(countries),
        by_origin=tuple(by_origin),
        origin_target=tuple(sorted((o, t, n) for (o, t), n in pairs.items())),
    )
