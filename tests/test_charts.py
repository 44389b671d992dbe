"""Charts: the shipped content/ as real data (never modified), small sites built in tmp_path, and
the SVG cache: what a rebuild renders again and what it reuses."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import altair as alt
import pytest
from altair.utils.schemapi import validate_jsonschema

from generator.aggregate import Figures, aggregate
from generator.charts import (
    HEAT_HIGH,
    HEAT_LOW,
    PARALLEL_FROM,
    TOP_NETWORKS,
    Chart,
    ChartRenderer,
    ChartSet,
    _ink_on,
    _luminance,
    _mix,
    build_charts,
    spec_hash,
)
from generator.i18n import Formatter
from generator.model import Site, build_model
from generator.validate import validate_content
from tests.conftest import RECORD_ID, record, write_content, write_record

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 23)
HOME = ("accounts-by-period", "followers-by-period", "networks-by-origin", "origin-target-matrix")


def site_of(content: Path) -> tuple[Site, Figures]:
    checked = validate_content(content, TODAY)
    assert checked.ok, checked.problems
    site = build_model(checked, TODAY)
    return site, aggregate(site)


def charts_of(
    content: Path, cache: Path, language: str | None = None, **renderer_options: int
) -> tuple[Site, Figures, ChartSet, ChartRenderer]:
    site, figures = site_of(content)
    renderer = ChartRenderer(cache, **renderer_options)
    charts = build_charts(site, figures, Formatter(language or site.language), renderer)
    return site, figures, charts, renderer


FRESH_CHARTS = """
import json, sys
from pathlib import Path
from tests.test_charts import charts_of
_, _, charts, renderer = charts_of(Path(sys.argv[1]), Path(sys.argv[2]), **json.loads(sys.argv[3]))
files = {path: svg.decode("utf-8") for path, svg in charts.files.items()}
print(json.dumps({"rendered": renderer.rendered, "processes": renderer.processes, "files": files}))
"""


def charts_in_a_fresh_process(content: Path, cache: Path, **renderer_options: int) -> dict:
    """`charts_of` in a new interpreter, which forks its workers when there are enough charts to render:
    this one has most likely started vl-convert's threads already, and then never forks."""
    done = subprocess.run(
        [sys.executable, "-c", FRESH_CHARTS, str(content), str(cache), json.dumps(renderer_options)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=600,  # a child waiting for ever fails the test instead of hanging the run
    )
    report = json.loads(done.stdout)
    report["files"] = {path: svg.encode("utf-8") for path, svg in report["files"].items()}
    return report


def every_chart(charts: ChartSet) -> list[Chart]:
    return [
        *charts.home,
        *(c for group in charts.periods.values() for c in group),
        *(c for group in charts.countries.values() for c in group),
    ]


def number(cell: str) -> int:
    """A formatted count back to an int: `~1,234` -> 1234."""
    return int(cell.lstrip("~").replace(",", ""))


def column(chart: Chart, name: str) -> list[str]:
    index = chart.columns.index(name)
    return [row[index] for row in chart.rows]


@pytest.fixture(scope="module")
def meta(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, Figures, ChartSet, Path]:
    """content/ built once, with its cache folder."""
    cache = tmp_path_factory.mktemp("chart-cache")
    site, figures, charts, _ = charts_of(REPO / "content", cache)
    return site, figures, charts, cache


def home(charts: ChartSet, slug: str) -> Chart:
    return next(c for c in charts.home if c.slug == slug)


def test_the_home_page_gets_the_four_site_wide_charts(meta):
    _, _, charts, _ = meta
    assert tuple(c.slug for c in charts.home) == HOME


def test_every_chart_has_a_title_a_caption_and_a_one_sentence_summary_with_numbers(meta):
    _, _, charts, _ = meta
    for chart in every_chart(charts):
        assert chart.title and chart.caption
        assert chart.summary.endswith(".") and ". " not in chart.summary.rstrip("."), chart.summary
        assert re.search(r"\d", chart.summary), chart.summary


def test_the_accounts_table_adds_up_to_the_all_time_total(meta):
    _, figures, charts, _ = meta
    chart = home(charts, "accounts-by-period")
    assert sum(number(cell) for cell in column(chart, "Total")) == figures.all_time.accounts


def test_the_followers_table_adds_up_to_the_all_time_total(meta):
    _, figures, charts, _ = meta
    chart = home(charts, "followers-by-period")
    assert sum(number(cell) for cell in column(chart, "Total")) == figures.all_time.followers


@pytest.mark.parametrize("slug", ["accounts-by-period", "followers-by-period"])
def test_each_period_row_of_a_stacked_table_adds_up_to_its_total(meta, slug):
    _, _, charts, _ = meta
    chart = home(charts, slug)
    assert chart.columns[:2] == ("Reporting period", "Total")
    for row in chart.rows:
        assert sum(number(cell) for cell in row[2:]) == number(row[1]), row


@pytest.mark.parametrize("slug", ["accounts-by-period", "followers-by-period"])
def test_the_stacked_chart_plots_what_its_table_says(meta, slug):
    _, _, charts, _ = meta
    chart = home(charts, slug)
    plotted = sum(v["value"] for v in chart.spec["data"]["values"])
    assert plotted == sum(number(cell) for cell in column(chart, "Total"))
    assert {v["origin"] for v in chart.spec["data"]["values"]} <= set(chart.columns[2:])


def test_the_stacked_charts_show_eight_origins_and_the_rest_as_other(meta):
    _, _, charts, _ = meta
    chart = home(charts, "accounts-by-period")
    assert chart.columns[2:][-1] == "Other" and len(chart.columns[2:]) == 9
    assert chart.columns[2] == "China"
    assert "Other" in chart.caption


def test_the_followers_caption_says_how_many_networks_have_no_follower_count(meta):
    _, figures, charts, _ = meta
    assert figures.all_time.followers_undisclosed == 10
    caption = home(charts, "followers-by-period").caption
    assert "10 networks without a disclosed follower count contribute nothing." in caption


def test_the_accounts_summary_names_the_peak_period_and_its_main_origin(meta):
    _, _, charts, _ = meta
    assert home(charts, "accounts-by-period").summary == (
        "Most accounts were removed in Q3 2023 (7,748 of 22,084 in total), "
        "7,719 of them by networks operated from China."
    )


def test_periods_run_oldest_first_on_axes_and_in_tables(meta):
    site, _, charts, _ = meta
    labels = [Formatter("en").span(p.span) for p in sorted(site.periods, key=lambda p: p.span.start)]
    assert labels[:2] == ["Q3 2018", "Q4 2018"]
    for chart in (home(charts, "accounts-by-period"), charts.countries["RU"][0]):
        assert chart.spec["encoding"]["x"]["sort"] == labels
        assert chart.spec["encoding"]["x"]["scale"]["domain"] == labels
        assert [row[0] for row in chart.rows] == labels


def test_the_origin_chart_shows_the_fifteen_countries_with_most_networks(meta):
    _, figures, charts, _ = meta
    chart = home(charts, "networks-by-origin")
    f = Formatter("en")
    assert chart.rows == tuple((f.country(code), str(n)) for code, n, _a, _f in figures.by_origin[:15])
    assert chart.rows[0] == ("China", "8")
    assert chart.summary == "Most networks were operated from China (8), Russia (7), and Iran (5)."


def test_the_matrix_counts_match_the_origin_target_figures(meta):
    _, figures, charts, _ = meta
    chart = home(charts, "origin-target-matrix")
    f = Formatter("en")
    pairs = {(f.country(o), f.country(t)): n for o, t, n in figures.origin_target}
    assert chart.rows
    for origin, target, count in chart.rows:
        assert pairs[(origin, target)] == int(count)
    assert len({row[0] for row in chart.rows}) <= 20 and len({row[1] for row in chart.rows}) <= 20


def test_each_period_with_networks_gets_a_chart_that_adds_up_to_its_accounts(meta):
    _, figures, charts, _ = meta
    with_networks = {p.period.name: p for p in figures.periods if p.totals.networks}
    assert set(charts.periods) == set(with_networks)
    for name, (chart,) in charts.periods.items():
        assert chart.slug == f"period-{name}-accounts-by-network"
        assert sum(number(cell) for cell in column(chart, "Accounts removed")) == with_networks[name].totals.accounts


def test_a_period_chart_labels_each_network_with_country_names(meta):
    _, _, charts, _ = meta
    (chart,) = charts.periods["2025-q4"]
    labels = [v["label"] for v in chart.spec["data"]["values"]]
    assert labels[0] == "India → India"
    assert "Belarus, Russia → Poland" in labels
    assert chart.summary.startswith("In Q4 2025, 383 accounts were removed in 6 networks; the largest (211)")


def test_each_country_gets_a_trend_chart_matching_its_figures(meta):
    _, figures, charts, _ = meta
    assert set(charts.countries) == {c.code for c in figures.countries}
    russia = figures.country("RU")
    (chart,) = charts.countries["RU"]
    assert chart.slug == "country-RU-trend"
    assert chart.columns == ("Reporting period", "Operated from Russia", "Targeting Russia")
    assert [(int(o), int(t)) for _, o, t in chart.rows] == [(o, t) for _, o, t in russia.by_period]
    assert chart.summary.startswith("Russia was the origin of 7 networks (peak: 3 in Q4 2025)")


def test_every_chart_svg_is_in_files_and_is_an_svg(meta):
    _, _, charts, _ = meta
    paths = {c.svg_path for c in every_chart(charts)}
    assert paths == set(charts.files)
    assert list(charts.files) == sorted(charts.files)
    for path, data in charts.files.items():
        assert re.fullmatch(r"assets/charts/[0-9a-f]{16}\.svg", path)
        assert data.startswith(b"<svg")


def test_the_svg_path_is_the_hash_of_the_spec(meta):
    _, _, charts, _ = meta
    for chart in every_chart(charts):
        assert chart.svg_path == f"assets/charts/{spec_hash(chart.spec)}.svg"


def test_charts_are_white_cards_in_the_site_font_at_most_700_pixels_wide(meta):
    _, _, charts, _ = meta
    for data in charts.files.values():
        svg = data.decode()
        width = float(re.match(r'<svg[^>]* width="([\d.]+)"', svg).group(1))
        assert width <= 700
        assert '<rect width="' in svg and 'fill="white"' in svg
        assert 'font-family="Roboto, Helvetica, Arial, sans-serif"' in svg


def test_axis_numbers_have_thousands_separators(meta):
    _, _, charts, _ = meta
    chart = home(charts, "followers-by-period")
    assert chart.spec["encoding"]["y"]["axis"]["format"] == ",d"
    assert "10,000,000" in charts.files[chart.svg_path].decode()


def test_specs_carry_their_data_inline_and_nothing_generated(meta):
    _, _, charts, _ = meta
    for chart in every_chart(charts):
        text = json.dumps(chart.spec)
        assert "datasets" not in chart.spec
        assert isinstance(chart.spec["data"]["values"], list)
        assert not re.search(r'"(view|param|data)_\d+"', text)


def test_every_spec_is_valid_vega_lite(meta):
    _, _, charts, _ = meta
    schema = alt.vegalite.v6.schema.core.load_schema()
    for chart in every_chart(charts):
        validate_jsonschema(chart.spec, schema)


def test_a_second_build_gives_the_same_specs_and_the_same_bytes(meta, tmp_path):
    _, _, first, _ = meta
    _, _, second, _ = charts_of(REPO / "content", tmp_path / "fresh-cache")
    assert [c.spec for c in every_chart(first)] == [c.spec for c in every_chart(second)]
    assert first.files == second.files


def test_a_rebuild_with_the_same_cache_renders_nothing(meta):
    _, _, first, cache = meta
    _, _, again, renderer = charts_of(REPO / "content", cache)
    assert renderer.rendered == 0
    assert renderer.reused == len(first.files)
    assert again.files == first.files


def test_a_spoilt_cache_file_is_rendered_again(meta, tmp_path):
    _, _, first, cache = meta
    copy = shutil.copytree(cache, tmp_path / "cache")
    spoilt = copy / next(iter(first.files)).rsplit("/", 1)[1]
    spoilt.write_bytes(b"<sv")
    _, _, again, renderer = charts_of(REPO / "content", copy)
    assert renderer.rendered == 1
    assert again.files == first.files


def test_charts_rendered_by_worker_processes_are_byte_for_byte_those_rendered_in_turn(tmp_path):
    # Other charts first, so that whatever vl-convert counts per process has moved on here.
    charts_of(write_content(tmp_path), tmp_path / "other", workers=1)
    _, _, in_turn, renderer = charts_of(REPO / "examples" / "tiktok", tmp_path / "in-turn", workers=1)
    assert renderer.processes == 0
    forked = charts_in_a_fresh_process(REPO / "examples" / "tiktok", tmp_path / "forked", workers=2, parallel_from=0)
    assert forked["processes"] == 2
    assert forked["rendered"] == len(in_turn.files) > 20
    assert list(forked["files"]) == list(in_turn.files)
    assert forked["files"] == in_turn.files
    for path, svg in in_turn.files.items():
        name = path.rsplit("/", 1)[1]
        assert (tmp_path / "forked" / name).read_bytes() == (tmp_path / "in-turn" / name).read_bytes() == svg


def test_a_rebuild_with_the_same_cache_starts_no_process(meta, tmp_path):
    _, _, first, cache = meta
    again = charts_in_a_fresh_process(REPO / "content", shutil.copytree(cache, tmp_path / "cache"), parallel_from=0)
    assert again["processes"] == 0
    assert again["rendered"] == 0
    assert again["files"] == first.files


def test_a_handful_of_charts_to_render_are_rendered_without_starting_a_process(meta, tmp_path):
    _, _, first, cache = meta
    copy = shutil.copytree(cache, tmp_path / "cache")
    for path in list(first.files)[:PARALLEL_FROM]:
        (copy / path.rsplit("/", 1)[1]).unlink()
    again = charts_in_a_fresh_process(REPO / "content", copy)
    assert again["processes"] == 0
    assert again["rendered"] == PARALLEL_FROM
    assert again["files"] == first.files


def test_a_process_running_other_threads_renders_every_chart_itself(tmp_path):
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        _, _, charts, renderer = charts_of(REPO / "examples" / "tiktok", tmp_path / "cache", workers=2, parallel_from=0)
    finally:
        stop.set()
        other.join()
    assert renderer.processes == 0
    assert renderer.rendered == len(charts.files)


def test_the_preview_memo_gives_back_period_and_country_charts_with_their_svgs(tmp_path):
    site, figures = site_of(REPO / "examples" / "tiktok")
    formatter = Formatter(site.language)
    memo: dict = {}
    first = build_charts(site, figures, formatter, ChartRenderer(tmp_path / "cache"), memo)
    renderer = ChartRenderer(tmp_path / "cache")
    again = build_charts(site, figures, formatter, renderer, memo)
    assert again == first
    assert renderer.reused == len({chart.svg_path for chart in first.home})
    assert renderer.rendered == 0


FOLLOWERS = ("2018/2018-08-ir-liberty-front-press.yaml", "followers: 155000", "followers: 155100")
ACCOUNTS = ("2018/2018-08-ir-liberty-front-press.yaml", "facebook_accounts: 70", "facebook_accounts: 71")


@pytest.mark.parametrize(
    ("edit", "changed"),
    [
        (FOLLOWERS, {"followers-by-period"}),
        (ACCOUNTS, {"accounts-by-period", "period-2018-q3-accounts-by-network"}),
    ],
    ids=["followers", "accounts"],
)
def test_changing_one_record_renders_again_exactly_the_charts_that_show_it(meta, tmp_path, edit, changed):
    _, _, before, cache = meta
    content = shutil.copytree(REPO / "content", tmp_path / "content")
    path, old, new = edit
    record_file = content / "operations" / path
    text = record_file.read_text(encoding="utf-8")
    assert text.count(old) == 1
    record_file.write_text(text.replace(old, new), encoding="utf-8")
    run_cache = shutil.copytree(cache, tmp_path / "cache")

    _, _, after, renderer = charts_of(content, run_cache)

    old_by_slug = {c.slug: c for c in every_chart(before)}
    differs = {c.slug for c in every_chart(after) if c.spec != old_by_slug[c.slug].spec}
    assert differs == changed
    assert {c.slug for c in every_chart(after) if c.svg_path != old_by_slug[c.slug].svg_path} == changed
    assert renderer.rendered == len(changed)
    assert renderer.reused == len(after.files) - len(changed)
    assert all(after.countries[code][0].svg_path == before.countries[code][0].svg_path for code in before.countries)


def test_numbers_and_country_names_follow_the_site_language(meta, tmp_path):
    _, figures, _, cache = meta
    _, _, charts, _ = charts_of(REPO / "content", cache, language="de")
    chart = home(charts, "accounts-by-period")
    assert chart.spec["config"]["locale"]["number"]["thousands"] == "."
    assert chart.summary.count("22.084") == 1
    assert charts.countries["RU"][0].columns[1].endswith("Russland")


def test_numbers_on_the_heatmap_stand_out_from_every_cell_colour():
    for step in range(101):
        fill = _luminance(_mix(HEAT_LOW, HEAT_HIGH, step / 100))
        ink = _luminance((0, 0, 0) if _ink_on(_mix(HEAT_LOW, HEAT_HIGH, step / 100)) == "#000000" else (255, 255, 255))
        light, dark = max(fill, ink), min(fill, ink)
        assert (light + 0.05) / (dark + 0.05) >= 4.5


def test_the_tiktok_example_gets_charts_for_its_periods_and_countries(tmp_path):
    site, figures, charts, renderer = charts_of(REPO / "examples" / "tiktok", tmp_path / "cache")
    assert tuple(c.slug for c in charts.home) == HOME
    assert set(charts.periods) == {p.name for p in site.periods if p.operations}
    assert set(charts.countries) == {c.code for c in figures.countries}
    accounts = column(home(charts, "accounts-by-period"), "Total")
    assert sum(number(cell) for cell in accounts) == figures.all_time.accounts
    assert renderer.rendered == len(charts.files)


def test_a_period_with_more_networks_than_bars_adds_up_the_rest(tmp_path):
    content = write_content(tmp_path)
    for index in range(TOP_NETWORKS + 2):
        write_record(content, record(id=f"2024-05-ir-net-{index:02d}", accounts=str(100 + index)))
    _, figures, charts, _ = charts_of(content, tmp_path / "cache")
    (chart,) = charts.periods["2024-q2"]
    assert len(chart.spec["data"]["values"]) == TOP_NETWORKS
    assert chart.rows[-1][0] == "4 other networks"
    assert "The 10 largest are shown; the 4 other networks removed" in chart.caption
    total = figures.for_period("2024-q2").totals.accounts
    assert sum(number(cell) for cell in column(chart, "Accounts removed")) == total


def test_a_network_without_an_account_count_is_left_out_and_said_so(tmp_path):
    content = write_content(tmp_path)
    pages_only = record(accounts=None, surfaces="{pages: 3}")
    (content / "operations" / "2024" / f"{RECORD_ID}.yaml").write_text(pages_only, encoding="utf-8")
    site, _, charts, _ = charts_of(content, tmp_path / "cache")
    (chart,) = charts.periods["2024-q2"]
    assert [row[0] for row in chart.rows] == [op.title for op in site.operations if op.accounts_total is not None]
    assert "1 network without a stated number of accounts is not shown." in chart.caption


def test_a_site_with_nothing_published_has_no_charts(tmp_path):
    content = write_content(tmp_path)
    shutil.rmtree(content / "operations")
    (content / "operations").mkdir()
    _, _, charts, renderer = charts_of(content, tmp_path / "cache")
    assert charts == ChartSet(home=(), periods={}, countries={}, files={})
    assert renderer.rendered == 0


def test_a_public_build_with_unchanged_inputs_reuses_the_last_chart_set(tmp_path) -> None:
    """The chart set is kept beside the SVGs under a digest of its inputs: a rebuild with the same
    content, day and code draws nothing; any change to a record, the day or a damaged memo draws
    again (and SVGs whose spec did not change still come from the cache)."""
    from generator import chartset
    from generator.build import build_site
    from tests.conftest import write_content

    content = write_content(tmp_path / "src")
    cache = tmp_path / "charts"
    first = build_site(content, tmp_path / "site", TODAY, cache_dir=cache)
    before = {p.relative_to(tmp_path / "site"): p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert first.ok and first.counts["charts_rendered"] > 0
    assert json.loads((cache / chartset.MEMO_FILE).read_text())["key"] == chartset.inputs_key(content, TODAY, "en")
    again = build_site(content, tmp_path / "site", TODAY, cache_dir=cache)
    assert again.ok and again.counts["charts_rendered"] == 0 and again.counts["files_changed"] == 0
    after = {p.relative_to(tmp_path / "site"): p.read_bytes() for p in (tmp_path / "site").rglob("*") if p.is_file()}
    assert after == before
    record = content / "operations" / "2024" / f"{RECORD_ID}.yaml"
    record.write_text(re.sub(r"followers: (\d+)", lambda m: f"followers: {int(m.group(1)) + 1}", record.read_text()))
    assert chartset.load(cache, chartset.inputs_key(content, TODAY, "en")) is None
    edited = build_site(content, tmp_path / "site", TODAY, cache_dir=cache)
    assert edited.ok and 0 < edited.counts["charts_rendered"] < first.counts["charts_rendered"]
    assert chartset.load(cache, chartset.inputs_key(content, date(2026, 11, 24), "en")) is None
    (cache / chartset.MEMO_FILE).write_text("{not json")
    assert chartset.load(cache, chartset.inputs_key(content, TODAY, "en")) is None
    assert build_site(content, tmp_path / "site", TODAY, cache_dir=cache).ok
