"""Charts for the home, period and country pages: figures -> Altair (Vega-Lite) specs -> static SVG
rendered by vl-convert and cached under the hash of the spec. Every chart carries a caption, a
one-sentence summary (its text alternative) and a data table, all formatted by the `Formatter`.

Takes `model.Site`, `aggregate.Figures`, an `i18n.Formatter` and a `ChartRenderer`; gives a `ChartSet`.
"""

from __future__ import annotations

import copy
import ctypes
import functools
import hashlib
import json
import multiprocessing
import os
import re
import signal
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import vl_convert
from altair.utils.schemapi import debug_mode
from babel.lists import format_list
from babel.numbers import get_decimal_symbol, get_group_symbol, parse_pattern

from generator.aggregate import CountryFigures, Figures, PeriodFigures, Totals, totals_of
from generator.chartset import Chart, ChartSet
from generator.i18n import Formatter
from generator.model import Operation, Site

WIDTH = 700
"""Widest SVG in pixels, padding included: shown 1:1 in the page's content column. Plot widths are
set rather than fitted (`autosize: fit` makes Vega lay every chart out twice)."""
PADDING = 16
LABEL_CHARS = 32
"""Longest category label, in characters (~7 px each at 12 px). Labels are shortened here, not by
Vega (`labelLimit: 0`): vl-convert measures text slowly (~0.1 ms a character) and Vega's
truncation measures each label several times."""
FONT = "Roboto, Helvetica, Arial, sans-serif"
INK = "#222222"
"""Titles and value labels: 16:1 on white."""
LABEL_INK = "#404040"
"""Axis and legend labels: 10:1 on white."""
GRID = "#e6e6e6"
PALETTE = ("#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d")
"""Vega's colour-blind-safe tableau10 without its grey, which is kept for "Other"."""
OTHER_COLOUR = "#bab0ac"
HEAT_LOW, HEAT_HIGH = "#deebf7", "#08519c"
BAR_STEP = 22
"""Pixels per bar on horizontal bar charts, so the height fits the number of bars."""
TOP_STACKED = 8
TOP_ORIGINS = 15
TOP_MATRIX = 20
TOP_NETWORKS = 10
SVG_DIR = "assets/charts"
PARALLEL_FROM = 8
"""Charts to render before rendering moves to worker processes: each worker starts its own
vl-convert (~0.5 s), which only pays when there are more than a handful."""
MAX_PERIOD_LABELS = 8
"""Period axes label every n-th period beyond this many (vl-convert measures each label: ~1 ms)."""
PERIOD_LABEL_STEPS = {
    "month": (1, 2, 3, 6, 12, 24, 60),
    "quarter": (1, 2, 4, 8, 20),
    "half": (1, 2, 4, 10),
    "year": (1, 2, 5, 10, 20),
}
"""Label every n-th period, n from these, so labelled periods fall a whole number of years apart."""


def spec_json(spec: dict) -> str:
    """The canonical text of a spec: what is hashed and what vl-convert reads."""
    return json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def spec_hash(spec: dict) -> str:
    return _text_hash(spec_json(spec))


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


_GRADIENT_ID = re.compile(r"gradient_\d+")


def render_chart_svg(text: str) -> bytes:
    """The SVG of a spec given as its canonical text (`spec_json`)."""
    svg = vl_convert.vegalite_to_svg(text)
    # vl-convert numbers gradients with a per-process counter; renumber them per chart so the
    # same spec always gives the same bytes, whichever process rendered it and after what.
    numbers: dict[str, str] = {}
    svg = _GRADIENT_ID.sub(lambda m: numbers.setdefault(m.group(0), f"gradient_{len(numbers)}"), svg)
    return svg.encode("utf-8")


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _can_fork() -> bool:
    """Whether this process may fork workers: on Linux, and only while it runs a single thread. A
    child gets only the forking thread, so a lock another thread held stays locked in it; and once
    vl-convert has started here its engine runs in threads of its own, which a child would wait for
    forever."""
    return sys.platform == "linux" and len(os.listdir("/proc/self/task")) == 1


def _die_with(parent: int) -> None:
    """Starts a worker: a worker outliving a killed build would wait for charts forever."""
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


class ChartRenderer:
    """Renders Vega-Lite specs to SVG, keeping each in `cache_dir/<hash>.svg` so that a chart whose
    spec has not changed is never rendered again (vl-convert costs ~35 ms a chart, 0.5 s to start).

    vl-convert holds the GIL and runs one chart at a time, so threads gain nothing: when more than
    `parallel_from` charts are missing from the cache, they are rendered by `workers` forked
    processes (one per CPU by default), while the remaining specs are still being drawn. Fewer
    charts, or a process that cannot fork safely (see `_can_fork`), render here, in turn. Either
    way each chart's bytes depend only on its spec."""

    def __init__(self, cache_dir: Path, workers: int | None = None, parallel_from: int = PARALLEL_FROM) -> None:
        self.cache_dir = cache_dir
        self.workers = _cpus() if workers is None else workers
        """Processes to render in when there are many charts; 1 renders every chart here."""
        self.parallel_from = parallel_from
        self.rendered = 0
        """SVGs rendered by vl-convert in this run."""
        self.reused = 0
        """SVGs read from the cache in this run."""
        self.processes = 0
        """Worker processes started in this run."""
        self._done: dict[str, bytes] = {}
        """Hash -> SVG bytes of the charts read from the cache or rendered so far."""
        self._missing: dict[str, str] = {}
        """Hash -> canonical text of the specs still to render, in the order they were asked for."""
        self._pool: ProcessPoolExecutor | None = None
        self._futures: dict[str, Future[bytes]] = {}

    def svg_path(self, spec: dict) -> str:
        """The site-relative path of the spec's SVG. Reads it from the cache, or has it rendered:
        `svgs()` gives the bytes."""
        text = spec_json(spec)
        key = _text_hash(text)
        if key not in self._done and key not in self._missing:  # the same chart twice: counted once
            try:
                data = (self.cache_dir / f"{key}.svg").read_bytes()
            except FileNotFoundError:
                data = b""
            if data.startswith(b"<svg"):
                self._done[key] = data
                self.reused += 1
            else:
                self._render_later(key, text)
        return f"{SVG_DIR}/{key}.svg"

    def svgs(self) -> dict[str, bytes]:
        """svg_path -> SVG bytes of every spec asked for, once the missing ones are rendered (and
        written to the cache)."""
        try:
            for key, text in self._missing.items():
                future = self._futures.get(key)
                data = future.result() if future else render_chart_svg(text)
                self._write(self.cache_dir / f"{key}.svg", data)
                self._done[key] = data
                self.rendered += 1
            self._missing.clear()
        finally:
            self.close()
        return {f"{SVG_DIR}/{key}.svg": data for key, data in self._done.items()}

    def close(self) -> None:
        """Stops the worker processes, if any (dropping charts not yet rendered)."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None
            self._futures.clear()

    def _render_later(self, key: str, text: str) -> None:
        """Queues a spec; hands it to the workers, started once there are enough charts to render."""
        self._missing[key] = text
        if self._pool is not None:
            self._futures[key] = self._pool.submit(render_chart_svg, text)
        elif len(self._missing) > self.parallel_from and self.workers > 1 and _can_fork():
            # Forked, not spawned: a worker starts in ~1 ms with everything imported, and runs
            # nothing of the parent's __main__.
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_die_with,
                initargs=(os.getpid(),),
            )
            self.processes += self.workers
            self._futures = {k: self._pool.submit(render_chart_svg, spec) for k, spec in self._missing.items()}

    def _write(self, target: Path, data: bytes) -> None:
        # Written aside and renamed, so an interrupted build never leaves half an SVG in the cache.
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def build_charts(
    site: Site, figures: Figures, formatter: Formatter, renderer: ChartRenderer, memo: dict | None = None
) -> ChartSet:
    """Every chart of the site. `memo` (kept by the live preview) reuses a period's or a country's
    chart when the figures it plots are unchanged, skipping even the Altair spec."""
    draw = _Drawing(site, formatter, renderer)
    memo = {} if memo is None else memo
    used: set = set()
    made: dict[tuple, Chart | None] = {}
    """Charts drawn in this run, remembered with their SVGs once those are rendered."""
    remembered_svgs: dict[str, bytes] = {}

    def remembered(key: tuple, make: Callable[[], Chart | None]) -> Chart | None:
        key = (*key, draw.chronological, formatter.language)
        used.add(key)
        if key not in memo:
            made[key] = make()
            return made[key]
        chart, svg = memo[key]
        if chart is not None:
            remembered_svgs[chart.svg_path] = svg
        return chart

    try:
        # Altair validates every object as it is made and every spec again, which costs more than
        # rendering (~25 ms a chart); tests validate each spec against the Vega-Lite schema instead.
        with debug_mode(False):
            home = [
                accounts_by_period(draw, figures),
                followers_by_period(draw, figures),
                networks_by_origin(draw, figures),
                origin_target_matrix(draw, figures),
            ]
            periods: dict[str, tuple[Chart, ...]] = {}
            for period_figures in sorted(figures.periods, key=lambda p: p.period.name):
                chart = remembered(("period", period_figures), lambda pf=period_figures: accounts_by_network(draw, pf))
                if chart:
                    periods[period_figures.period.name] = (chart,)
            countries = {
                country.code: (remembered(("country", country), lambda c=country: country_trend(draw, c)),)
                for country in figures.countries
            }
        files = {**remembered_svgs, **renderer.svgs()}
    finally:
        renderer.close()
    for stale in set(memo) - used:
        del memo[stale]
    memo.update({key: (chart, files[chart.svg_path] if chart else None) for key, chart in made.items()})
    return ChartSet(
        home=tuple(chart for chart in home if chart),
        periods=periods,
        countries=countries,
        files=dict(sorted(files.items())),
    )


class _Drawing:
    """What every chart function needs: the site, the formatter, period labels and the renderer."""

    def __init__(self, site: Site, formatter: Formatter, renderer: ChartRenderer) -> None:
        self.site = site
        self.f = formatter
        self.renderer = renderer
        self.label = {p.name: formatter.span(p.span) for p in site.periods}
        """Period name -> its label on axes and in tables (`Q1 2024`)."""
        self.chronological = tuple(self.label[p.name] for p in reversed(site.periods))
        self.config = _config(formatter)
        self.count = functools.lru_cache(maxsize=None)(formatter.count)
        """`Formatter.count`, remembered: tables repeat the same small numbers thousands of times."""

    def _(self, text: str, **values: Any) -> str:
        translated = self.f.gettext(text)
        return translated % values if values else translated

    def ngettext(self, singular: str, plural: str, number: int, **values: Any) -> str:
        return self.f.translations.ngettext(singular, plural, number) % values

    def listing(self, items: list[str]) -> str:
        return format_list(items, locale=self.f.locale)

    def origin_label(self, codes: Iterable[str]) -> str:
        return self.f.countries(tuple(sorted(codes, key=self.f.country)))

    def chart(
        self,
        slug: str,
        title: str,
        caption: str,
        summary: str,
        columns: tuple[str, ...],
        rows: Iterable[tuple[str, ...]],
        chart: alt.TopLevelMixin,
        values: list[dict[str, Any]],
    ) -> Chart:
        spec = chart.to_dict(validate=False)
        # Set here rather than with .configure(), which copies the whole chart; a copy each, so that
        # a page adding to one spec does not change them all.
        spec["config"] = copy.deepcopy(self.config)
        # Rows are spliced in after Altair: it would copy and walk each one (and validate it when
        # asked to); they are plain strings and numbers made here.
        if spec.get("data") != {"values": []}:
            raise ValueError(f"chart {slug} must be built on NO_DATA")
        spec["data"] = {"values": values}
        return Chart(slug, title, caption, summary, self.renderer.svg_path(spec), columns, tuple(rows), spec)


def _config(formatter: Formatter) -> dict[str, Any]:
    """Look shared by every chart: white card, readable type, quiet grid, the site's number format."""
    grouping = parse_pattern(formatter.locale.decimal_formats[None].pattern).grouping
    text = {"labelColor": LABEL_INK, "titleColor": INK, "labelFontSize": 12, "titleFontSize": 12}
    return {
        "background": "white",
        # The SVG is shown as an <img> whose alt text is the summary: ARIA inside it would never be
        # read, and it doubles the file size.
        "aria": False,
        "padding": PADDING,
        "font": FONT,
        "view": {"stroke": None},
        "axis": {
            **text,
            "titleFontWeight": "bold",
            "titlePadding": 10,
            "gridColor": GRID,
            "domainColor": "#8c8c8c",
            "tickColor": "#8c8c8c",
            "labelLimit": 0,
        },
        "legend": {**text, "titleFontWeight": "bold", "labelLimit": 0, "symbolType": "square"},
        "text": {"color": INK, "fontSize": 11},
        "locale": {
            "number": {
                "decimal": get_decimal_symbol(formatter.locale),
                "thousands": get_group_symbol(formatter.locale),
                "grouping": [grouping[0], grouping[1]],
                "currency": ["", ""],
            }
        },
    }


def _plot_width(draw: _Drawing, largest: int) -> int:
    """Width of a plot over periods that leaves room for its value axis (labels up to `largest`,
    ~7 px a character, and the axis title) within WIDTH."""
    label = draw.count(largest * 10 if largest else 1)  # one digit spare for the rounded-up top tick
    # The newest period's label, centred on the last bar, overhangs the plot by half its width.
    overhang = 4 * max((len(label) for label in draw.chronological), default=0)
    return WIDTH - 2 * PADDING - 7 * len(label) - 32 - overhang


def _value_axis(title: str, ticks: int) -> alt.Axis:
    """A count axis with thousands separators. The tick count is set because Vega otherwise makes
    one every 40 px and measures every label before dropping the overlapping half."""
    return alt.Axis(title=title, format=",d", tickMinStep=1, tickCount=ticks, labelOverlap=False)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip(" ,") + "…"


def _no_data() -> alt.Data:
    """The placeholder every chart is built on; `_Drawing.chart` puts the rows in."""
    return alt.Data(values=[])


def _period_axis(draw: _Drawing, title: str) -> alt.Axis:
    """Every period labelled while they fit, else every n-th (a whole number of years where the
    cadence allows), counted back from the newest so that it is always labelled."""
    labels = draw.chronological
    steps = PERIOD_LABEL_STEPS[draw.site.cadence]
    step = next((s for s in steps if -(-len(labels) // s) <= MAX_PERIOD_LABELS), -(-len(labels) // MAX_PERIOD_LABELS))
    shown = list(labels[::-1][::step][::-1])
    # ~7 px a character at 12 px: flat labels while they fit between labelled ticks, else slanted.
    room = (WIDTH - 120) / max(len(labels), 1) * step
    angle = 0 if room >= 7 * max((len(label) for label in labels), default=0) + 8 else -45
    return alt.Axis(title=title, values=shown, labelAngle=angle, ticks=False)


def _ranked(counter: Counter, label: Callable[[Any], str]) -> list[Any]:
    return sorted((key for key, value in counter.items() if value > 0), key=lambda k: (-counter[k], label(k)))


def _peak(values: Iterable[tuple[str, int | float]]) -> tuple[str, int | float]:
    """(label, value) of the largest value; the latest on a tie (values come oldest first)."""
    best = ("", 0)
    for label, value in values:
        if value >= best[1]:
            best = (label, value)
    return best


@dataclass(frozen=True)
class _Stack:
    """One figure per period, split by the country the networks were operated from."""

    series: list[str]
    """Series labels in stacking order: the TOP_STACKED origins with most, then Other if any."""
    colours: list[str]
    cells: dict[tuple[str, str], tuple[int, bool]]
    """(period name, series) -> (sum, approximate)."""
    origins: dict[str, dict[tuple[str, ...], tuple[int, bool]]]
    """Period name -> {joint origin: (sum, approximate)}, before the small ones become Other."""

    @property
    def has_other(self) -> bool:
        return self.colours[-1:] == [OTHER_COLOUR]


def _add(cell: tuple[int, bool], value: int, approximate: bool) -> tuple[int, bool]:
    return cell[0] + value, cell[1] or approximate


def _stack_by_origin(draw: _Drawing, measure: Callable[[Operation], tuple[int | None, bool]]) -> _Stack:
    """Sums of `measure` (value, approximate) per period and joint origin; a network operated from
    several countries counts once, under all of them together, so each stack adds up to the total."""
    origins: dict[str, dict[tuple[str, ...], tuple[int, bool]]] = defaultdict(dict)
    totals: Counter[tuple[str, ...]] = Counter()
    for period in draw.site.periods:
        for op in period.operations:
            value, approximate = measure(op)
            if value is not None:
                key = tuple(sorted(op.origin))
                origins[period.name][key] = _add(origins[period.name].get(key, (0, False)), value, approximate)
                totals[key] += value
    ranked = _ranked(totals, draw.origin_label)
    shown = ranked if len(ranked) <= TOP_STACKED + 1 else ranked[:TOP_STACKED]
    other = draw._("Other")
    series_of = {key: _short(draw.origin_label(key)) for key in shown}
    cells: dict[tuple[str, str], tuple[int, bool]] = {}
    for name, sums in origins.items():
        for key, (value, approximate) in sums.items():
            where = (name, series_of.get(key, other))
            cells[where] = _add(cells.get(where, (0, False)), value, approximate)
    series = [series_of[key] for key in shown]
    colours = list(PALETTE[: len(shown)])
    if len(shown) < len(ranked):
        series.append(other)
        colours.append(OTHER_COLOUR)
    return _Stack(series, colours, cells, dict(origins))


def _stacked_chart(draw: _Drawing, stack: _Stack, value_title: str) -> tuple[alt.TopLevelMixin, list[dict[str, Any]]]:
    order = {label: index for index, label in enumerate(stack.series)}
    values = [
        {"period": draw.label[name], "origin": label, "value": value, "order": order[label]}
        for (name, label), (value, _) in sorted(stack.cells.items(), key=lambda item: (item[0][0], order[item[0][1]]))
        if value
    ]
    period_title = draw._("Reporting period")
    origin_title = draw._("Operated from")
    bars = (
        alt.Chart(_no_data())
        .mark_bar(stroke="white", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "period:O",
                sort=list(draw.chronological),
                scale=alt.Scale(domain=list(draw.chronological)),
                axis=_period_axis(draw, period_title),
            ),
            y=alt.Y("value:Q", stack="zero", axis=_value_axis(value_title, ticks=6)),
            color=alt.Color(
                "origin:N",
                sort=stack.series,
                scale=alt.Scale(domain=stack.series, range=stack.colours),
                legend=alt.Legend(title=origin_title, orient="bottom", columns=3, direction="horizontal"),
            ),
            order=alt.Order("order:Q", sort="ascending"),
            tooltip=[
                alt.Tooltip("period:N", title=period_title),
                alt.Tooltip("origin:N", title=origin_title),
                alt.Tooltip("value:Q", title=value_title, format=",d"),
            ],
        )
    )
    largest = max((sum(v["value"] for v in values if v["period"] == p) for p in draw.chronological), default=0)
    bars.width, bars.height = _plot_width(draw, largest), 300
    return bars, values


def _stacked_table(
    draw: _Drawing, stack: _Stack, totals: Callable[[Totals], tuple[int, bool]]
) -> list[tuple[str, ...]]:
    """Period, total, then one column per series; oldest period first, like the chart."""
    rows = []
    for period in reversed(draw.site.periods):
        row = [draw.label[period.name], draw.count(*totals(totals_of(period.operations)))]
        for label in stack.series:
            row.append(draw.count(*stack.cells.get((period.name, label), (0, False))))
        rows.append(tuple(row))
    return rows


def _peak_of_stack(draw: _Drawing, stack: _Stack, totals: Callable[[Totals], tuple[int, bool]]) -> dict[str, str]:
    """The period with the largest total, and the joint origin with the most in it, as the
    formatted values the summaries use: period, count, origin, origin_count."""
    best, best_totals = None, (0, False)
    for period in reversed(draw.site.periods):
        figure = totals(totals_of(period.operations))
        if figure[0] >= best_totals[0]:
            best, best_totals = period, figure
    assert best is not None
    sums = stack.origins[best.name]
    key = min(sums, key=lambda k: (-sums[k][0], draw.origin_label(k)))
    return {
        "period": draw.label[best.name],
        "count": draw.count(*best_totals),
        "origin": draw.origin_label(key),
        "origin_count": draw.count(*sums[key]),
    }


def _other_clause(draw: _Drawing, stack: _Stack) -> str:
    if not stack.has_other:
        return ""
    return " " + draw._("Origins after the %(top)d largest are added up as Other.", top=TOP_STACKED)


def accounts_by_period(draw: _Drawing, figures: Figures) -> Chart | None:
    """(1) Accounts removed per period, stacked by the country the networks were operated from."""
    total = figures.all_time
    if not total.accounts:
        return None
    _ = draw._

    def accounts(totals: Totals) -> tuple[int, bool]:
        return totals.accounts, totals.accounts_approximate

    stack = _stack_by_origin(draw, lambda op: (op.accounts_total, op.is_approximate("accounts")))
    summary = _(
        "Most accounts were removed in %(period)s (%(count)s of %(total)s in total), "
        "%(origin_count)s of them by networks operated from %(origin)s.",
        total=draw.count(*accounts(total)),
        **_peak_of_stack(draw, stack, accounts),
    )
    caption = _(
        "Accounts removed per reporting period, by the country the networks were operated from; "
        "networks operated from several countries are shown under their joint origin."
    ) + _other_clause(draw, stack)
    unstated = sum(1 for op in draw.site.operations if op.accounts_total is None)
    if unstated:
        caption += " " + draw.ngettext(
            "%(n)s network without a stated number of accounts contributes nothing.",
            "%(n)s networks without a stated number of accounts contribute nothing.",
            unstated,
            n=draw.count(unstated),
        )
    unit = _("Accounts removed")
    return draw.chart(
        "accounts-by-period",
        _("Accounts removed per period"),
        caption,
        summary,
        (_("Reporting period"), _("Total"), *stack.series),
        _stacked_table(draw, stack, accounts),
        *_stacked_chart(draw, stack, unit),
    )


def followers_by_period(draw: _Drawing, figures: Figures) -> Chart | None:
    """(2) Followers of the removed networks per period, stacked by origin."""
    total = figures.all_time
    if not total.followers:
        return None
    _ = draw._

    def followers(totals: Totals) -> tuple[int, bool]:
        return totals.followers, totals.followers_approximate

    stack = _stack_by_origin(draw, lambda op: (op.followers, op.is_approximate("followers")))
    summary = _(
        "Networks removed in %(period)s had the most followers (%(count)s of %(total)s in total), "
        "%(origin_count)s of them on networks operated from %(origin)s.",
        total=draw.count(*followers(total)),
        **_peak_of_stack(draw, stack, followers),
    )
    caption = _(
        "Followers of the removed networks per reporting period, by the country the networks were "
        "operated from; networks operated from several countries are shown under their joint origin."
    ) + _other_clause(draw, stack)
    if total.followers_undisclosed:
        caption += " " + draw.ngettext(
            "%(n)s network without a disclosed follower count contributes nothing.",
            "%(n)s networks without a disclosed follower count contribute nothing.",
            total.followers_undisclosed,
            n=draw.count(total.followers_undisclosed),
        )
    return draw.chart(
        "followers-by-period",
        _("Followers per period"),
        caption,
        summary,
        (_("Reporting period"), _("Total"), *stack.series),
        _stacked_table(draw, stack, followers),
        *_stacked_chart(draw, stack, _("Followers")),
    )


def _horizontal_bars(
    draw: _Drawing,
    values: list[dict[str, Any]],
    category_title: str,
    value_title: str,
) -> tuple[alt.TopLevelMixin, list[dict[str, Any]]]:
    """Bars of `value` per `label`, in the order given, each labelled with its value."""
    order = [row["label"] for row in values]
    # Room for the labels on the left and the values past the longest bar, within WIDTH.
    label_width = 7 * max(len(row["label"]) for row in values)
    chart = alt.LayerChart(
        data=_no_data(),
        # Encodings shared by the layers sit on the layer chart: alt.layer() would copy them into
        # each layer, and Altair's copying costs more than the rest of the chart.
        encoding=alt.FacetedEncoding(
            y=alt.Y("label:N", sort=order, axis=alt.Axis(title=category_title, ticks=False)),
            x=alt.X("value:Q", axis=_value_axis(value_title, ticks=5)),
            tooltip=[
                alt.Tooltip("label:N", title=category_title),
                alt.Tooltip("value:Q", title=value_title, format=",d"),
            ],
        ),
        layer=[
            alt.Chart().mark_bar(color=PALETTE[0]),
            alt.Chart().mark_text(align="left", baseline="middle", dx=4).encode(text=alt.Text("value:Q", format=",d")),
        ],
        width=WIDTH - 2 * PADDING - label_width - 30 - 50,
        height=BAR_STEP * len(values),
    )
    return chart, values


def networks_by_origin(draw: _Drawing, figures: Figures) -> Chart | None:
    """(3) Networks per country of origin, the TOP_ORIGINS with most networks."""
    if not figures.by_origin:
        return None
    _ = draw._
    shown = figures.by_origin[:TOP_ORIGINS]
    values = [{"label": _short(draw.f.country(code)), "value": networks} for code, networks, _a, _f in shown]
    leaders = [f"{row['label']} ({draw.count(row['value'])})" for row in values[:3]]
    summary = _("Most networks were operated from %(countries)s.", countries=draw.listing(leaders))
    caption = _(
        "Networks disrupted per country they were operated from (the %(top)d countries with the most). "
        "A network operated from several countries counts for each.",
        top=TOP_ORIGINS,
    )
    rows = [(row["label"], draw.count(row["value"])) for row in values]
    return draw.chart(
        "networks-by-origin",
        _("Networks by country of origin"),
        caption,
        summary,
        (_("Operated from"), _("Networks")),
        rows,
        *_horizontal_bars(draw, values, _("Operated from"), _("Networks")),
    )


def _mix(low: str, high: str, t: float) -> tuple[float, float, float]:
    """The colour at `t` (0..1) of Vega's linear rgb interpolation from `low` to `high`."""
    a = [int(low[i : i + 2], 16) for i in (1, 3, 5)]
    b = [int(high[i : i + 2], 16) for i in (1, 3, 5)]
    return tuple(x + (y - x) * t for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _ink_on(rgb: tuple[float, float, float]) -> str:
    """Black or white, whichever contrasts more with the fill (always >= 4.58:1)."""
    lum = _luminance(rgb)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


def origin_target_matrix(draw: _Drawing, figures: Figures) -> Chart | None:
    """(4) Networks per (origin, target) pair, for the TOP_MATRIX most frequent of each."""
    if not figures.origin_target:
        return None
    _ = draw._
    f = draw.f
    target_counts: Counter[str] = Counter(code for op in draw.site.operations for code in op.targets)
    origins = [code for code, *_rest in figures.by_origin[:TOP_MATRIX]]
    targets = _ranked(target_counts, f.country)[:TOP_MATRIX]
    pairs = sorted(
        ((o, t, n) for o, t, n in figures.origin_target if o in origins and t in targets),
        key=lambda pair: (-pair[2], f.country(pair[0]), f.country(pair[1])),
    )
    if not pairs:
        return None
    most = max(n for _o, _t, n in pairs)
    name = {code: _short(f.country(code)) for code in {*origins, *targets}}
    values = [
        {
            "origin": name[o],
            "target": name[t],
            "value": n,
            "ink": _ink_on(_mix(HEAT_LOW, HEAT_HIGH, n / most)),
        }
        for o, t, n in sorted(pairs, key=lambda pair: (origins.index(pair[0]), targets.index(pair[1])))
    ]
    origin_title, target_title, unit = _("Operated from"), _("Targeting"), _("Networks")
    # Square cells as large as fit beside the row labels and the legend, 28 px at most.
    label_width = 7 * max(len(name[o]) for o in origins)
    step = min(28, (WIDTH - 2 * PADDING - label_width - 30 - 90) // max(len(targets), 1))
    chart = alt.LayerChart(
        data=_no_data(),
        encoding=alt.FacetedEncoding(
            x=alt.X(
                "target:N",
                sort=[name[t] for t in targets],
                axis=alt.Axis(
                    title=target_title,
                    orient="top",
                    labelAngle=-45,
                    ticks=False,
                    domain=False,
                    grid=True,
                    tickBand="extent",
                ),
            ),
            y=alt.Y(
                "origin:N",
                sort=[name[o] for o in origins],
                axis=alt.Axis(title=origin_title, ticks=False, domain=False, grid=True, tickBand="extent"),
            ),
            tooltip=[
                alt.Tooltip("origin:N", title=origin_title),
                alt.Tooltip("target:N", title=target_title),
                alt.Tooltip("value:Q", title=unit, format=",d"),
            ],
        ),
        layer=[
            alt.Chart()
            .mark_rect(stroke="white", strokeWidth=1)
            .encode(
                color=alt.Color(
                    "value:Q",
                    scale=alt.Scale(domain=[0, most], range=[HEAT_LOW, HEAT_HIGH], interpolate="rgb"),
                    legend=alt.Legend(title=unit, format=",d", orient="right", gradientLength=120, tickCount=4),
                )
            ),
            # Each number in black or white, whichever stands out more from its cell (see _ink_on).
            alt.Chart()
            .mark_text(fontSize=10)
            .encode(text=alt.Text("value:Q", format=",d"), color=alt.Color("ink:N", scale=None)),
        ],
        resolve=alt.Resolve(scale=alt.ScaleResolveMap(color="independent")),
        width=alt.Step(step),
        height=alt.Step(step),
    )
    top = [
        _("%(origin)s to %(target)s (%(count)s)", origin=f.country(o), target=f.country(t), count=draw.count(n))
        for o, t, n in sorted(
            figures.origin_target, key=lambda pair: (-pair[2], f.country(pair[0]), f.country(pair[1]))
        )[:3]
    ]
    summary = _(
        "The most frequent pairs of origin and target were %(pairs)s, out of %(total)s pairs.",
        pairs=draw.listing(top),
        total=draw.count(len(figures.origin_target)),
    )
    caption = _(
        "Networks per country of origin (rows) and country or region targeted (columns), for the "
        "%(top)d most frequent of each. A network counts once for every origin and target it has.",
        top=TOP_MATRIX,
    )
    rows = [(name[o], name[t], draw.count(n)) for o, t, n in pairs]
    return draw.chart(
        "origin-target-matrix",
        _("Who targeted whom"),
        caption,
        summary,
        (origin_title, target_title, unit),
        rows,
        chart,
        values,
    )


def _network_labels(draw: _Drawing, operations: list[Operation]) -> list[str]:
    """`Russia → Poland +2`, numbered when two networks of a period share their countries."""
    plain = []
    for op in operations:
        label = f"{draw.origin_label(op.origin)} → {draw.f.country(op.targets[0])}"
        if len(op.targets) > 1:
            label += f" +{len(op.targets) - 1}"
        plain.append(_short(label))
    repeated = Counter(plain)
    seen: Counter[str] = Counter()
    labels = []
    for label in plain:
        seen[label] += 1
        labels.append(f"{label} ({seen[label]})" if repeated[label] > 1 else label)
    return labels


def accounts_by_network(draw: _Drawing, period_figures: PeriodFigures) -> Chart | None:
    """(5) Accounts removed per network in one period: the TOP_NETWORKS largest as bars, the rest
    added up in the caption and the table (as a bar it would dwarf the others)."""
    period = period_figures.period
    stated = sorted(
        (op for op in period.operations if op.accounts_total is not None),
        key=lambda op: (-(op.accounts_total or 0), op.id),
    )
    if not stated:
        return None
    _ = draw._
    f = draw.f
    shown, rest = stated[:TOP_NETWORKS], stated[TOP_NETWORKS:]
    labels = _network_labels(draw, shown)
    values = [{"label": label, "value": op.accounts_total} for label, op in zip(labels, shown, strict=True)]
    rows = [
        (
            op.title,
            draw.origin_label(op.origin),
            f.countries(op.targets),
            draw.count(op.accounts_total, approximate=op.is_approximate("accounts")),
        )
        for op in shown
    ]
    name = draw.label[period.name]
    caption = _(
        "Accounts removed per network disclosed in %(period)s, labelled with the country it was "
        "operated from and the first country it targeted (+ how many more).",
        period=name,
    )
    if rest:
        other = draw.ngettext("%(n)s other network", "%(n)s other networks", len(rest), n=draw.count(len(rest)))
        rest_total = draw.count(
            sum(op.accounts_total or 0 for op in rest),
            approximate=any(op.is_approximate("accounts") for op in rest),
        )
        rows.append((other, "", "", rest_total))
        caption += " " + _(
            "The %(top)s largest are shown; the %(other)s removed %(accounts)s accounts.",
            top=draw.count(TOP_NETWORKS),
            other=other,
            accounts=rest_total,
        )
    unstated = len(period.operations) - len(stated)
    if unstated:
        caption += " " + draw.ngettext(
            "%(n)s network without a stated number of accounts is not shown.",
            "%(n)s networks without a stated number of accounts are not shown.",
            unstated,
            n=draw.count(unstated),
        )
    totals = period_figures.totals
    largest = shown[0]
    summary = draw.ngettext(
        "In %(period)s, %(accounts)s accounts were removed in %(n)s network, operated from "
        "%(origin)s and targeting %(targets)s.",
        "In %(period)s, %(accounts)s accounts were removed in %(n)s networks; the largest (%(top)s) "
        "was operated from %(origin)s and targeted %(targets)s.",
        totals.networks,
        period=name,
        accounts=draw.count(totals.accounts, approximate=totals.accounts_approximate),
        n=draw.count(totals.networks),
        top=draw.count(largest.accounts_total, approximate=largest.is_approximate("accounts")),
        origin=draw.origin_label(largest.origin),
        targets=draw.listing([f.country(code) for code in largest.targets]),
    )
    unit = _("Accounts removed")
    return draw.chart(
        f"period-{period.name}-accounts-by-network",
        _("Accounts removed per network"),
        caption,
        summary,
        (_("Network"), _("Operated from"), _("Targeting"), unit),
        rows,
        *_horizontal_bars(draw, values, _("Network"), unit),
    )


def country_trend(draw: _Drawing, country: CountryFigures) -> Chart:
    """(6) Networks per period operated from the country and targeting it, as grouped bars (the
    counts are small and often zero, which bars show more plainly than lines)."""
    _ = draw._
    f = draw.f
    name = f.country(country.code)
    # The legend leaves the country to the page's heading and the caption, so that countries with
    # the same counts share one SVG (a third of them in content/).
    as_origin, as_target = _("As origin"), _("As target")
    series = [as_origin, as_target]
    values = []
    for period_name, origin, target in country.by_period:
        label = draw.label[period_name]
        for role, value in ((as_origin, origin), (as_target, target)):
            if value:
                values.append({"period": label, "series": role, "value": value})
    period_title, unit = _("Reporting period"), _("Networks")
    bars = (
        alt.Chart(_no_data())
        .mark_bar()
        .encode(
            x=alt.X(
                "period:O",
                sort=list(draw.chronological),
                scale=alt.Scale(domain=list(draw.chronological), paddingInner=0.25),
                axis=_period_axis(draw, period_title),
            ),
            xOffset=alt.XOffset("series:N", sort=series, scale=alt.Scale(domain=series)),
            y=alt.Y("value:Q", axis=_value_axis(unit, ticks=4)),
            color=alt.Color(
                "series:N",
                sort=series,
                scale=alt.Scale(domain=series, range=list(PALETTE[:2])),
                legend=alt.Legend(title=None, orient="top"),
            ),
            tooltip=[
                alt.Tooltip("period:N", title=period_title),
                alt.Tooltip("series:N", title=unit),
                alt.Tooltip("value:Q", title=unit, format=",d"),
            ],
        )
    )
    bars.width, bars.height = _plot_width(draw, max((v["value"] for v in values), default=0)), 200
    phrases = {}
    for role, total, counts in (
        ("origin", len(country.as_origin), [(draw.label[p], o) for p, o, _t in country.by_period]),
        ("target", len(country.as_target), [(draw.label[p], t) for p, _o, t in country.by_period]),
    ):
        period, peak = _peak(counts)
        phrases[role] = draw.ngettext(
            "%(n)s network (%(period)s)",
            "%(n)s networks (peak: %(peak)s in %(period)s)",
            total,
            n=draw.count(total),
            peak=draw.count(peak),
            period=period,
        )
    if country.as_origin and country.as_target:
        summary = _("%(country)s was the origin of %(origin)s and the target of %(target)s.", country=name, **phrases)
    elif country.as_origin:
        summary = _("%(country)s was the origin of %(origin)s and the target of none.", country=name, **phrases)
    else:
        summary = _("%(country)s was the target of %(target)s and the origin of none.", country=name, **phrases)
    caption = _(
        "Networks per reporting period that were operated from %(country)s, and that targeted it.",
        country=name,
    )
    rows = [(draw.label[p], draw.count(o), draw.count(t)) for p, o, t in country.by_period]
    return draw.chart(
        f"country-{country.code}-trend",
        _("%(country)s over time", country=name),
        caption,
        summary,
        (
            _("Reporting period"),
            _("Operated from %(country)s", country=name),
            _("Targeting %(country)s", country=name),
        ),
        rows,
        bars,
        values,
    )
