"""The page tree: a network's row in the operations tables is made once per build and is the same,
and right, on every page that lists it; the live preview's page memo still remakes exactly the
pages an edit shows up on."""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from markupsafe import escape

from generator.aggregate import PLACEHOLDERS, aggregate
from generator.i18n import Formatter
from generator.model import Operation, Site, build_model
from generator.pages import DETECTION, NoCharts, PageTree, build_pages, make_environment
from generator.validate import validate_content

REPO = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 23)


def pages_of(content: Path, memo: dict | None = None) -> tuple[Site, PageTree]:
    site = build_model(validate_content(content, TODAY), TODAY)
    return site, build_pages(site, aggregate(site), NoCharts(), Formatter(site.language), memo=memo)


def bodies(tree: PageTree) -> dict[str, str]:
    return {page.path: page.body for page in tree.pages}


def listing_pages(op: Operation) -> dict[str, int]:
    """The pages whose operations tables list this network (its report, its countries), with how
    many tables on each do (a country it was both operated from and targeted lists it twice)."""
    codes = [code for code in (*op.origin, *op.targets) if code not in PLACEHOLDERS]
    return {f"reports/{op.period.name}.md": 1, **{f"countries/{c.lower()}.md": codes.count(c) for c in codes}}


def rows_of(body: str, op: Operation) -> list[str]:
    return re.findall(rf'<tr>\n<th scope="row"><a href="\.\./\.\./operations/{op.id}/">.*?</tr>\n', body, re.S)


@pytest.fixture(scope="module")
def shipped() -> tuple[Site, PageTree]:
    return pages_of(REPO / "content")


def test_a_network_row_is_the_same_and_right_on_its_report_and_each_of_its_country_pages(shipped):
    site, tree = shipped
    fmt = Formatter(site.language)
    found = bodies(tree)
    for op in site.operations:
        expected = (
            f'<tr>\n<th scope="row"><a href="../../operations/{op.id}/">{escape(op.title)}</a></th>\n'
            f'<td data-label="Detection">{DETECTION[op.detection]}</td>\n'
            f'<td data-label="Operated from">{escape(fmt.countries(op.origin))}</td>\n'
            f'<td data-label="Targeted">{escape(fmt.countries(op.targets))}</td>\n'
            f'<td data-label="Accounts" class="tr-num">'
            f"{fmt.count(op.accounts_total, op.is_approximate('accounts'))}</td>\n"
            f'<td data-label="Followers" class="tr-num">'
            f"{fmt.count(op.followers, op.is_approximate('followers'))}</td>\n"
            f'<td data-label="Takedown">{fmt.span(op.takedown)}</td>\n'
            "</tr>\n"
        )
        for path, tables in listing_pages(op).items():
            assert rows_of(found[path], op) == [expected] * tables, (op.id, path)


def test_a_network_is_listed_only_on_its_report_and_its_country_pages(shipped):
    site, tree = shipped
    op = site.operations[0]
    listed = {path for path, body in bodies(tree).items() if rows_of(body, op)}
    assert listed == set(listing_pages(op))


def test_an_edit_in_the_preview_changes_the_row_everywhere_and_only_the_pages_that_show_it(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    memo: dict = {}
    site, before = pages_of(content, memo)
    op = site.operations[0]
    record = next(p for p in content.rglob("*.yaml") if f"id: {op.id}\n" in p.read_text(encoding="utf-8"))
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace(f"title: {op.title}\n", "title: Renamed <network> & co\n"), encoding="utf-8")

    _, after = pages_of(content, memo)

    changed = {path for path, body in bodies(after).items() if body != bodies(before)[path]}
    neighbours = {f"operations/{o.id}.md" for o in site.operations[1:2]}  # its title is in their previous/next links
    assert set(listing_pages(op)) <= changed
    assert changed <= {f"operations/{op.id}.md", *listing_pages(op), *neighbours, "index.md", "corrections.md"}
    for path in listing_pages(op):
        rows = rows_of(bodies(after)[path], op)
        assert rows and all("Renamed &lt;network&gt; &amp; co" in row for row in rows)
    _, again = pages_of(content, memo)
    assert bodies(again) == bodies(after)


def test_a_public_build_hashes_no_network_for_a_page_memo_it_would_throw_away(shipped, monkeypatch):
    site, tree = shipped

    def refuse(self):
        raise AssertionError("a network was hashed")

    monkeypatch.setattr(Operation, "__hash__", refuse)
    again = build_pages(site, aggregate(site), NoCharts(), Formatter(site.language))
    assert bodies(again) == bodies(tree)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('{{ _("Takedown") }}', "Takedown"),
        ('{{ _("Takedown") }}{{ _("Takedown") }}', "TakedownTakedown"),
        ('{{ _("Networks targeting %(country)s", country=name) }}', "Networks targeting &lt;b&gt; &amp; co"),
        ('{{ _("100%% of %(n)s", n=name) }}', "100% of &lt;b&gt; &amp; co"),
    ],
)
def test_the_templates_gettext_formats_and_escapes_as_jinjas_own(source, expected):
    env = make_environment(Formatter("en"))
    assert env.from_string(source).render(name="<b> & co") == expected
