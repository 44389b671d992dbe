"""The open data as researchers consume it: the csv module, json, frictionless, stix2 and an Atom
parser read every file back, and the figures in them equal the site's own totals.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from functools import cache
from pathlib import Path

import frictionless
import pytest
import stix2

from generator.aggregate import Figures, aggregate
from generator.exports import Exports, build_exports, human_size
from generator.exports.csv import COLUMNS, CSV_COLUMNS
from generator.exports.stix import NAMESPACE, uuid5_text
from generator.i18n import Formatter
from generator.model import Site, build_model
from generator.schema import OPERATION, SURFACES, json_schema
from generator.validate import validate_content
from tests.conftest import REPO, TODAY, write_content, write_file, write_record

ATOM = "{http://www.w3.org/2005/Atom}"
SITES = ("content", "examples/tiktok")

FULL_ID = "2024-04-ru-news-clones"
FULL = """\
id: 2024-04-ru-news-clones
title: Russia-based network impersonating news sites
status: published
takedown: 2024-04-10
origin: [RU]
targets: [DE, FR, europe]
detection: external
accounts: 120
followers: 30000
approximate: [followers, ad_spend]
surfaces:
  facebook_accounts: 100
  pages: 20
ad_spend:
  amount: 1500.5
  currency: EUR
attribution:
  actor: Social Design Agency
  country: [RU]
  state_affiliated: false
  confidence: high
activity:
  first: 2023-q4
  last: 2024-04
techniques: [T0097.101, T0013]
related: [2024-05-ir-uk-us]
previous_ids: [2024-04-ru-doppelganger]
narratives: [cloned news sites, criticism of sanctions]
summary: |
  Cloned the websites of news outlets.
sources:
  - title: Threat report, Q2 2024
    url: https://example.org/q2
    archive_url: https://web.archive.org/web/2024/https://example.org/q2
corrections:
  - date: 2024-08-01
    note: Follower count revised from 25,000.
  - date: 2024-09-02
    note: Added the ad spend.
"""

DRAFT = """\
id: 2024-05-xx-secret-draft
title: A draft nobody may see
status: draft
takedown: 2024-05
origin: [unknown]
targets: [global]
detection: unknown
accounts: 1
narratives: []
summary: Not yet.
sources:
  - title: Nothing
    url: https://example.org/nothing
"""

EMBARGOED = DRAFT.replace("2024-05-xx-secret-draft", "2024-08-xx-embargoed").replace(
    "status: draft\ntakedown: 2024-05", "status: published\ntakedown: 2024-08"
)


def exports_of(content: Path) -> tuple[Site, Figures, Exports]:
    checked = validate_content(content, TODAY)
    assert checked.ok, checked.problems
    site = build_model(checked, TODAY)
    figures = aggregate(site)
    return site, figures, build_exports(site, figures, Formatter(site.language))


@cache
def shipped(folder: str) -> tuple[Site, Figures, Exports]:
    """The exports of a shipped example site (read-only real data)."""
    return exports_of(REPO / folder)


@pytest.fixture
def full(tmp_path: Path) -> tuple[Site, Figures, Exports]:
    """The small fixture site plus a record using every optional field, a draft and an embargoed one."""
    content = write_content(tmp_path)
    write_record(content, FULL)
    write_record(content, DRAFT)
    write_record(content, EMBARGOED)
    write_file(content / "reports" / "2024-q3.md", "---\ntitle: Q3\npublished: 2027-01-15\n---\nLater.\n")
    return exports_of(content)


def rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def written(exports: Exports, folder: Path) -> Path:
    for path, data in exports.files.items():
        write_file(folder / path, data)
    return folder


# CSV


@pytest.mark.parametrize("folder", SITES)
def test_the_csv_sums_of_accounts_and_followers_equal_the_all_time_totals(folder: str) -> None:
    site, figures, exports = shipped(folder)
    table = rows(exports.files["data/networks.csv"])
    assert len(table) == figures.all_time.networks == len(site.operations)
    assert sum(int(r["accounts"]) for r in table if r["accounts"]) == figures.all_time.accounts
    assert sum(int(r["followers"]) for r in table if r["followers"]) == figures.all_time.followers
    assert sum(not r["followers"] for r in table) == figures.all_time.followers_undisclosed


@pytest.mark.parametrize("folder", SITES)
def test_each_period_csv_sums_equal_that_period_totals(folder: str) -> None:
    _, figures, exports = shipped(folder)
    for period in figures.periods:
        table = rows(exports.files[f"data/periods/{period.period.name}.csv"])
        assert len(table) == period.totals.networks
        assert sum(int(r["accounts"]) for r in table if r["accounts"]) == period.totals.accounts
        assert sum(int(r["followers"]) for r in table if r["followers"]) == period.totals.followers
        assert {r["period"] for r in table} <= {period.period.name}


def test_the_csv_header_is_the_declared_column_order() -> None:
    _, _, exports = shipped("content")
    header = exports.files["data/networks.csv"].split(b"\n", 1)[0].decode()
    assert header.split(",") == [c.name for c in CSV_COLUMNS]


@pytest.mark.parametrize(
    "name",
    [
        "facebook_accounts",
        "x_accounts",
        "followers_approximate",
        "pages_approximate",
        "ad_spend_amount",
        "ad_spend_currency",
        "attribution_actor",
        "attribution_country",
        "attribution_state_affiliated",
        "attribution_confidence",
        "activity_first",
        "activity_last",
        "techniques",
        "related",
        "previous_ids",
        "corrections_count",
        "source_urls",
        "period",
        "permalink",
    ],
)
def test_the_csv_has_a_column_for_every_optional_field(name: str) -> None:
    assert name in [c.name for c in CSV_COLUMNS]


def test_every_field_of_the_record_format_reaches_the_open_data() -> None:
    covered = {c.source for c in COLUMNS if c.source}
    assert {f.name for f in OPERATION.fields} - {s.split(".")[0] for s in covered} == set()
    assert {f"surfaces.{s}" for s in SURFACES} <= covered


def test_the_csv_is_utf8_with_unix_line_endings() -> None:
    _, _, exports = shipped("content")
    data = exports.files["data/networks.csv"]
    assert b"\r" not in data
    data.decode("utf-8")


def test_a_network_using_every_field_is_one_csv_row_with_dates_at_their_precision(full) -> None:
    _, _, exports = full
    row = next(r for r in rows(exports.files["data/networks.csv"]) if r["id"] == FULL_ID)
    assert row == row | {
        "period": "2024-q2",
        "published": "2024-07-15",
        "takedown": "2024-04-10",
        "origin": "RU",
        "targets": "DE;FR;europe",
        "accounts": "120",
        "accounts_approximate": "false",
        "accounts_derived": "false",
        "followers": "30000",
        "followers_approximate": "true",
        "facebook_accounts": "100",
        "facebook_accounts_approximate": "false",
        "pages": "20",
        "groups": "",
        "groups_approximate": "",
        "ad_spend_amount": "1500.5",
        "ad_spend_currency": "EUR",
        "ad_spend_approximate": "true",
        "attribution_actor": "Social Design Agency",
        "attribution_country": "RU",
        "attribution_state_affiliated": "false",
        "attribution_confidence": "high",
        "activity_first": "2023-q4",
        "activity_last": "2024-04",
        "techniques": "T0097.101;T0013",
        "related": "2024-05-ir-uk-us",
        "previous_ids": "2024-04-ru-doppelganger",
        "narratives": "cloned news sites;criticism of sanctions",
        "source_urls": "https://example.org/q2",
        "archive_urls": "https://web.archive.org/web/2024/https://example.org/q2",
        "corrections_count": "2",
        "last_correction": "2024-09-02",
        "permalink": f"https://example.org/transparency/operations/{FULL_ID}/",
    }


def test_accounts_summed_from_surfaces_are_marked_derived_and_approximate_from_them(full) -> None:
    _, _, exports = full
    row = next(r for r in rows(exports.files["data/networks.csv"]) if r["id"] == "2024-06-cn-spamouflage")
    assert (row["accounts"], row["accounts_derived"], row["accounts_approximate"]) == ("12", "true", "true")


def test_an_undisclosed_figure_is_an_empty_cell_and_null_in_json(full) -> None:
    _, _, exports = full
    row = next(r for r in rows(exports.files["data/networks.csv"]) if r["id"] == "2024-05-ir-uk-us")
    assert (row["followers"], row["ad_spend_amount"], row["attribution_actor"]) == ("116612", "", "")
    network = json.loads(exports.files["data/networks/2024-05-ir-uk-us.json"])["network"]
    assert (network["ad_spend"], network["attribution"], network["surfaces"], network["activity"]) == (None,) * 4


def test_drafts_and_embargoed_records_appear_in_no_file(full) -> None:
    site, _, exports = full
    assert [op.id for op in site.operations] == ["2024-04-ru-news-clones", "2024-05-ir-uk-us", "2024-06-cn-spamouflage"]
    for path, data in exports.files.items():
        assert b"secret-draft" not in data, path
        assert b"xx-embargoed" not in data, path
        assert "2024-q3" not in path


# JSON


def test_the_json_nests_the_same_fields_with_lists_and_numbers(full) -> None:
    site, _, exports = full
    document = json.loads(exports.files["data/networks.json"])
    assert document["generated"] == TODAY.isoformat()
    assert document["site"]["platform"] == "ExampleTok"
    network = next(n for n in document["networks"] if n["id"] == FULL_ID)
    assert network == network | {
        "targets": ["DE", "FR", "europe"],
        "accounts": 120,
        "followers": 30000,
        "approximate": ["ad_spend", "followers"],
        "surfaces": {s: {"facebook_accounts": 100, "pages": 20}.get(s) for s in SURFACES},
        "ad_spend": {"amount": 1500.5, "currency": "EUR"},
        "attribution": {
            "actor": "Social Design Agency",
            "country": ["RU"],
            "state_affiliated": False,
            "confidence": "high",
        },
        "activity": {"first": "2023-q4", "last": "2024-04"},
        "techniques": ["T0097.101", "T0013"],
        "corrections": [
            {"date": "2024-08-01", "note": "Follower count revised from 25,000."},
            {"date": "2024-09-02", "note": "Added the ad spend."},
        ],
        "sources": [
            {
                "title": "Threat report, Q2 2024",
                "url": "https://example.org/q2",
                "archive_url": "https://web.archive.org/web/2024/https://example.org/q2",
            }
        ],
    }
    assert [n["id"] for n in document["networks"]] == [op.id for op in site.operations]


@pytest.mark.parametrize("folder", SITES)
def test_each_network_has_its_own_json_file(folder: str) -> None:
    site, _, exports = shipped(folder)
    assert exports.operation_json == {op.id: f"data/networks/{op.id}.json" for op in site.operations}
    for op_id, path in exports.operation_json.items():
        assert json.loads(exports.files[path])["network"]["id"] == op_id


@pytest.mark.parametrize("folder", SITES)
def test_the_json_and_the_csv_agree_on_every_figure(folder: str) -> None:
    _, _, exports = shipped(folder)
    networks = json.loads(exports.files["data/networks.json"])["networks"]
    table = rows(exports.files["data/networks.csv"])
    for network, row in zip(networks, table, strict=True):
        assert str(network["accounts"] if network["accounts"] is not None else "") == row["accounts"]
        assert str(network["followers"] if network["followers"] is not None else "") == row["followers"]
        assert ";".join(network["origin"]) == row["origin"]


def test_the_json_schema_file_is_the_schema_command_output() -> None:
    _, _, exports = shipped("content")
    assert json.loads(exports.files["data/operation.schema.json"]) == json_schema()


# Frictionless data package


@pytest.mark.parametrize("folder", SITES)
def test_the_data_package_passes_frictionless_validate(folder: str, tmp_path: Path) -> None:
    _, _, exports = shipped(folder)
    report = frictionless.validate(written(exports, tmp_path) / "data" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_data_package_of_every_optional_field_passes_frictionless_validate(full, tmp_path: Path) -> None:
    report = frictionless.validate(written(full[2], tmp_path) / "data" / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_data_package_has_one_resource_per_csv_with_the_declared_fields() -> None:
    site, _, exports = shipped("content")
    package = json.loads(exports.files["data/datapackage.json"])
    assert [r["path"] for r in package["resources"]] == ["networks.csv"] + [
        f"periods/{p.name}.csv" for p in site.periods
    ]
    schema = json.loads(exports.files["data/" + package["resources"][0]["schema"]])
    assert [f["name"] for f in schema["fields"]] == [c.name for c in CSV_COLUMNS]
    assert (schema["primaryKey"], schema["missingValues"]) == (["id"], [""])
    kinds = {f["name"]: f for f in schema["fields"]}
    assert kinds["accounts"]["type"] == "integer" and kinds["accounts"]["constraints"]["minimum"] == 0
    assert kinds["detection"]["constraints"]["enum"] == ["internal", "external", "unknown"]
    assert kinds["id"]["constraints"]["required"] and kinds["title"]["constraints"]["required"]
    assert kinds["followers_approximate"]["type"] == "boolean"


@pytest.mark.parametrize(
    ("before", "after", "field"),
    [
        (",internal,65,", ",internal,-65,", "accounts"),
        (",published,2024-q2,", ",published,2024-q9,", "period"),
        (",internal,65,", ",sometimes,65,", "detection"),
    ],
)
def test_frictionless_rejects_a_csv_that_breaks_the_table_schema(
    content: Path, tmp_path: Path, before: str, after: str, field: str
) -> None:
    _, _, exports = exports_of(content)
    folder = written(exports, tmp_path / "site")
    package = json.loads((folder / "data" / "datapackage.json").read_text())
    for resource in package["resources"]:  # without checksums, so the cells themselves are checked
        del resource["hash"], resource["bytes"]
    (folder / "data" / "datapackage.json").write_text(json.dumps(package))
    table = folder / "data" / "networks.csv"
    table.write_text(table.read_text().replace(before, after, 1))
    report = frictionless.validate(folder / "data" / "datapackage.json")
    assert not report.valid
    assert {row[0] for row in report.flatten(["fieldName"])} == {field}


# STIX


@pytest.mark.parametrize("folder", SITES)
def test_the_stix_bundle_parses_with_one_campaign_per_network(folder: str) -> None:
    site, _, exports = shipped(folder)
    bundle = stix2.parse(exports.files["data/stix.json"].decode(), allow_custom=True)
    campaigns = [o for o in bundle.objects if o.type == "campaign"]
    assert len(campaigns) == len(site.operations)
    assert sum(c.get("x_accounts", 0) for c in campaigns) == aggregate(site).all_time.accounts
    assert sum(c.get("x_followers", 0) for c in campaigns) == aggregate(site).all_time.followers
    ids = {o.id for o in bundle.objects}
    identity = next(o for o in bundle.objects if o.type == "identity")
    assert identity.identity_class == "organization"
    for o in bundle.objects:
        if o.type == "relationship":
            assert {o.source_ref, o.target_ref} <= ids
        if o.type != "identity":
            assert o.created_by_ref == identity.id


def test_a_network_becomes_a_campaign_with_its_places_techniques_and_actor(full) -> None:
    _, _, exports = full
    bundle = stix2.parse(exports.files["data/stix.json"].decode(), allow_custom=True)
    by_id = {o.id: o for o in bundle.objects}
    campaign = next(o for o in bundle.objects if o.type == "campaign" and o.name.startswith("Russia-based"))
    assert (campaign.x_accounts, campaign.x_followers, campaign.x_followers_approximate) == (120, 30000, True)
    assert (campaign.x_facebook_accounts, campaign.x_pages) == (100, 20)
    assert campaign.objective == "cloned news sites; criticism of sanctions"
    assert str(campaign.first_seen).startswith("2023-10-01") and str(campaign.last_seen).startswith("2024-04-30")
    assert str(campaign.created).startswith("2024-07-15") and str(campaign.modified).startswith("2024-09-02")
    assert campaign.external_references[0].url == f"https://example.org/transparency/operations/{FULL_ID}/"
    links = sorted(
        (o.relationship_type, by_id[o.target_ref].get("country") or by_id[o.target_ref].get("name"))
        for o in bundle.objects
        if o.type == "relationship" and o.source_ref == campaign.id
    )
    assert links == [
        ("attributed-to", "Social Design Agency"),
        ("originates-from", "RU"),
        ("related-to", "Iran-based network targeting UK and US audiences"),
        ("targets", "DE"),
        ("targets", "Europe"),
        ("targets", "FR"),
        ("uses", "DISARM T0013"),
        ("uses", "DISARM T0097.101"),
    ]
    pattern = next(o for o in bundle.objects if o.type == "attack-pattern" and o.name == "DISARM T0097.101")
    reference = pattern.external_references[0]
    assert (reference.source_name, reference.external_id) == ("DISARM", "T0097.101")
    russia = next(o for o in bundle.objects if o.type == "location" and o.get("country") == "RU")
    assert russia.name == "Russia"


def test_a_rebuild_gives_byte_identical_files(full) -> None:
    site, figures, exports = full
    again = build_exports(site, figures, Formatter(site.language))
    assert again.files == exports.files


def test_stix_ids_are_uuid5_of_the_type_and_the_network_id(full) -> None:
    site, _, exports = full
    objects = json.loads(exports.files["data/stix.json"])["objects"]
    found = {o["name"]: o["id"] for o in objects if o["type"] == "campaign"}
    assert found == {
        op.title: f"campaign--{uuid.uuid5(NAMESPACE, f'campaign|{site.base_url}|{op.id}')}" for op in site.operations
    }


@pytest.mark.parametrize(
    "name",
    ["", "campaign|https://example.org/|2024-05-ir-uk-us", "location|https://x.example/|é 中 🙂 \u2028", "x" * 5000],
)
def test_stix_ids_are_made_as_the_uuid_module_makes_them(name: str) -> None:
    assert uuid5_text(name) == str(uuid.uuid5(NAMESPACE, name))


# Atom feeds


@pytest.mark.parametrize("folder", SITES)
def test_the_reports_feed_has_one_entry_per_published_period(folder: str) -> None:
    site, _, exports = shipped(folder)
    feed = ET.fromstring(exports.files["feeds/reports.xml"])
    entries = feed.findall(f"{ATOM}entry")
    newest_first = sorted(site.periods, key=lambda p: (p.published, p.name), reverse=True)
    assert [e.find(f"{ATOM}link").get("href") for e in entries] == [
        f"{site.base_url}reports/{p.name}/" for p in newest_first
    ]
    assert feed.find(f"{ATOM}updated").text == entries[0].find(f"{ATOM}updated").text
    newest = newest_first[0]
    assert entries[0].find(f"{ATOM}updated").text.startswith(newest.published.isoformat())
    count = len(newest.operations)
    assert entries[0].find(f"{ATOM}summary").text == f"{newest.title}: {count} network{'s' * (count != 1)}."


def test_the_corrections_feed_has_one_entry_per_correction_newest_first(full) -> None:
    site, _, exports = full
    feed = ET.fromstring(exports.files["feeds/corrections.xml"])
    entries = [
        (e.find(f"{ATOM}updated").text[:10], e.find(f"{ATOM}summary").text, e.find(f"{ATOM}link").get("href"))
        for e in feed.findall(f"{ATOM}entry")
    ]
    link = f"{site.base_url}operations/{FULL_ID}/#corrections"
    assert entries == [
        ("2024-09-02", "Added the ad spend.", link),
        ("2024-08-01", "Follower count revised from 25,000.", link),
    ]
    assert feed.find(f"{ATOM}updated").text.startswith("2024-09-02")


def test_a_feed_with_no_entries_is_dated_by_the_newest_report_not_the_clock() -> None:
    site, _, exports = shipped("content")
    feed = ET.fromstring(exports.files["feeds/corrections.xml"])
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.find(f"{ATOM}updated").text.startswith(max(p.published for p in site.periods).isoformat())


def test_the_feeds_are_announced_with_their_titles() -> None:
    _, _, exports = shipped("content")
    assert [path for _, path in exports.feeds] == ["feeds/reports.xml", "feeds/corrections.xml"]
    for title, path in exports.feeds:
        assert ET.fromstring(exports.files[path]).find(f"{ATOM}title").text == title


# Downloads


def test_the_site_downloads_are_the_published_files_with_their_record_counts() -> None:
    site, _, exports = shipped("content")
    listed = [(d.path, d.format, d.records) for d in exports.downloads]
    assert listed == [
        ("data/networks.csv", "CSV", 53),
        ("data/networks.json", "JSON", 53),
        ("data/datapackage.json", "Frictionless data package", 53),
        ("data/stix.json", "STIX 2.1 bundle", 53),
        ("data/operation.schema.json", "JSON Schema", len(OPERATION.fields)),
        ("feeds/reports.xml", "Atom feed", len(site.periods)),
        ("feeds/corrections.xml", "Atom feed", 0),
    ]
    assert {path for path, _, _ in listed} <= set(exports.files)
    assert list(exports.files) == sorted(exports.files)


def test_each_period_lists_its_csv_and_json() -> None:
    site, _, exports = shipped("content")
    assert list(exports.period_downloads) == sorted(p.name for p in site.periods)
    for period in site.periods:
        found = exports.period_downloads[period.name]
        assert [(d.path, d.format, d.records) for d in found] == [
            (f"data/periods/{period.name}.csv", "CSV", len(period.operations)),
            (f"data/periods/{period.name}.json", "JSON", len(period.operations)),
        ]


@pytest.mark.parametrize(
    ("size", "language", "shown"),
    [
        (900, "en", "900 byte"),
        (14_200, "en", "14 kB"),
        (999_600, "en", "1 MB"),
        (1_260_000, "en", "1.3 MB"),
        (14_200, "fr", "14 ko"),
    ],
)
def test_sizes_are_written_for_the_site_language(size: int, language: str, shown: str) -> None:
    assert human_size(size, Formatter(language)).replace("\u202f", " ").replace("\xa0", " ") == shown


def test_the_exports_import_no_later_stage() -> None:
    program = "import sys\nfrom generator.exports import csv, datapackage, feeds, json, stix\nprint(*sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout.split()
    later = {"mkdocs", "jinja2", "altair", "generator.pages", "generator.shell", "generator.build", "generator.charts"}
    assert later.isdisjoint(loaded)


def test_the_build_date_is_the_only_date_that_is_not_from_the_content(full) -> None:
    site, figures, exports = full
    later = build_exports(replace(site, today=date(2030, 1, 1)), figures, Formatter(site.language))
    changed = {path for path in exports.files if later.files[path] != exports.files[path]}
    assert changed == {"data/networks.json", "data/datapackage.json"} | {
        f"data/periods/{p.name}.json" for p in site.periods
    }


def test_a_site_with_nothing_published_yet_exports_valid_empty_files(content: Path, tmp_path: Path) -> None:
    edit = content / "reports" / "2024-q2.md"
    edit.write_text(edit.read_text().replace("published: 2024-07-15", "published: 2027-01-01"))
    site, _, exports = exports_of(content)
    assert site.operations == () and exports.period_downloads == {} and exports.operation_json == {}
    assert rows(exports.files["data/networks.csv"]) == []
    assert json.loads(exports.files["data/networks.json"])["networks"] == []
    assert stix2.parse(exports.files["data/stix.json"].decode(), allow_custom=True).objects[0].type == "identity"
    assert ET.fromstring(exports.files["feeds/reports.xml"]).findall(f"{ATOM}entry") == []
    assert frictionless.validate(written(exports, tmp_path / "site") / "data" / "datapackage.json").valid
