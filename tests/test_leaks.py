"""No draft, embargoed record or embargoed intro reaches the public: canaries in every text field,
searched for in every byte of the built site and of everything the preview serves.

Extends test_build.py's canary test (a canary in one field, raw bytes only) to every field,
compressed files, file names, and `transparency serve`.
"""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from generator.build import build_site
from generator.serve import Running, start_preview
from tests.conftest import write_file

TODAY = date(2026, 11, 23)

DRAFT_ID = "2024-03-ru-draftnet"
EMBARGOED_ID = "2026-08-ru-embargoed"
EMBARGOED_PERIOD = "2026-q3"
OPEN_ID = "2024-02-ru-open"

SITE = "platform: Example\ntitle: Example\nbase_url: https://example.org/t/\ncadence: quarter\nlanguage: en\n"


@pytest.fixture
def charts(tmp_path_factory) -> Path:
    """One chart cache for the session: the small sites these tests build share their charts."""
    return tmp_path_factory.getbasetemp() / "charts"


def canary(where: str, field: str) -> str:
    """A word no template, library or number format would produce by chance."""
    return f"zqcanary{where}{field.replace('_', '')}x"


def hidden_record(record_id: str, takedown: str, status: str, where: str, related: str = "") -> str:
    """A record with a canary in every text field, a canary URL and figures found nowhere else,
    related to the id `related` (or to none)."""
    c = lambda field: canary(where, field)  # noqa: E731 - one letter keeps the YAML below readable
    return f"""\
id: {record_id}
title: Network {c("title")}
status: {status}
takedown: {takedown}
origin: [RU]
targets: [DE]
detection: internal
accounts: 918273645
followers: 192837465
surfaces:
  pages: 564738291
ad_spend: {{amount: 837465.19, currency: EUR}}
attribution: {{actor: Actor {c("actor")}, country: [RU], state_affiliated: true, confidence: high}}
activity: {{first: 2023-01, last: {takedown}}}
techniques: [T0097]
related: [{related}]
previous_ids: [{c("previousid")}]
narratives: [Narrative {c("narrative1")}, Narrative {c("narrative2")}]
summary: |
  Summary {c("summary")} with [a link](https://example.org/{c("summarylink")}).

  ## Heading {c("heading")}
sources:
  - title: Source {c("sourcetitle")}
    url: https://example.org/{c("sourceurl")}
    archive_url: https://web.archive.org/{c("archiveurl")}
corrections:
  - date: 2024-06-01
    note: Correction {c("correction")}
"""


OPEN_RECORD = f"""\
id: {OPEN_ID}
title: Open network
status: published
takedown: 2024-02
origin: [RU]
targets: [DE]
detection: internal
accounts: 10
followers: 20
related: [{EMBARGOED_ID}]
narratives: [open narrative]
summary: The one network the public may see.
sources:
  - title: Source
    url: https://example.org/s
"""

SECRETS = (
    "zqcanary",  # the prefix of every canary
    DRAFT_ID,
    EMBARGOED_ID,
    EMBARGOED_PERIOD,
    "Q3 2026",  # the embargoed period as the site would name it
    "918273645",
    "918,273,645",
    "192837465",
    "192,837,465",
    "564738291",
    "564,738,291",
    "837465",
    "837,465",
)


@pytest.fixture
def hidden_content(tmp_path: Path) -> Path:
    """One published network, plus a draft, an embargoed network and an embargoed intro, each full
    of canaries; the published network names the embargoed one as related."""
    content = tmp_path / "content"
    write_file(content / "site.yaml", SITE)
    write_file(content / "reports/2024-q1.md", "---\ntitle: Q1 report\npublished: 2024-04-15\n---\nOpen intro.\n")
    write_file(
        content / f"reports/{EMBARGOED_PERIOD}.md",
        f"---\ntitle: Report {canary('intro', 'title')}\npublished: 2026-12-01\n---\n"
        f"Intro {canary('intro', 'body')}.\n\n## Section {canary('intro', 'heading')}\n",
    )
    write_file(content / f"operations/2024/{OPEN_ID}.yaml", OPEN_RECORD)
    write_file(
        content / f"operations/2024/{DRAFT_ID}.yaml", hidden_record(DRAFT_ID, "2024-03", "draft", "draft", OPEN_ID)
    )
    write_file(
        content / f"operations/2026/{EMBARGOED_ID}.yaml",
        hidden_record(EMBARGOED_ID, "2026-08", "published", "embargo"),
    )
    return content


def readable_bytes(path: Path) -> bytes:
    """A file's bytes, decompressed when it is gzip (sitemap.xml.gz), plus its own path."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return path.as_posix().encode() + b"\n" + data


def leaks(name: str, data: bytes) -> list[str]:
    lowered = data.lower()
    return [f"{secret} in {name}" for secret in SECRETS if secret.lower().encode() in lowered]


def site_files(site: Path) -> Iterator[Path]:
    return (path for path in sorted(site.rglob("*")) if path.is_file())


def test_every_field_of_drafts_and_embargoed_records_is_absent_from_every_byte_of_the_site(
    charts, hidden_content, tmp_path
):
    out = tmp_path / "site"
    result = build_site(hidden_content, out, TODAY, cache_dir=charts)
    assert result.ok, result.problems
    assert result.counts["networks"] == 1
    assert result.counts["draft"] == 1 and result.counts["embargoed"] == 1
    kinds = {path.suffix for path in site_files(out)}
    assert {".html", ".json", ".csv", ".xml", ".gz", ".svg"} <= kinds  # the search covered every format
    # the published network is there, without its link to the embargoed one it names as related
    assert "The one network the public may see." in (out / f"operations/{OPEN_ID}/index.html").read_text("utf-8")
    found = [leak for path in site_files(out) for leak in leaks(str(path.relative_to(out)), readable_bytes(path))]
    assert found == []


def test_the_embargoed_records_appear_once_the_period_is_published(charts, hidden_content, tmp_path):
    """The same fixture on the publication day: proves the canaries above would have been found."""
    out = tmp_path / "site"
    assert build_site(hidden_content, out, date(2026, 12, 1), cache_dir=charts).ok
    everything = b"".join(readable_bytes(path) for path in site_files(out))
    for field in ("title", "actor", "narrative1", "summary", "heading", "sourcetitle", "sourceurl", "correction"):
        assert canary("embargo", field).encode() in everything, field
    assert canary("intro", "body").encode() in everything
    assert EMBARGOED_ID.encode() in everything and b"918,273,645" in everything
    assert b"zqcanarydraft" not in everything and DRAFT_ID.encode() not in everything


# --- the preview -----------------------------------------------------------------------------------


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - localhost only
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def served(running: Running) -> dict[str, tuple[int, bytes]]:
    """Every file of the preview's folder as the HTTP server answers for it, and its pages by URL."""
    out = running.preview.out
    urls = set()
    for path in site_files(out):
        relative = path.relative_to(out).as_posix()
        urls.add(relative)
        if path.name == "index.html":
            urls.add(relative.removesuffix("index.html"))
    urls |= {f"operations/{i}/" for i in (OPEN_ID, DRAFT_ID, EMBARGOED_ID)} | {
        f"reports/{EMBARGOED_PERIOD}/",
        "nowhere/",
    }
    return {url: fetch(running.url + url) for url in sorted(urls)}


@pytest.fixture
def preview(hidden_content, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1795392000")  # 2026-11-23, the preview's "today"
    running = start_preview(hidden_content, tmp_path / "serve")
    yield running
    running.close()


def test_the_preview_serves_no_byte_of_drafts_or_embargoed_records(preview):
    assert preview.preview.result.ok, preview.preview.result.problems
    answers = served(preview)
    assert answers[f"operations/{OPEN_ID}/"][0] == 200
    for url in (f"operations/{DRAFT_ID}/", f"operations/{EMBARGOED_ID}/", f"reports/{EMBARGOED_PERIOD}/"):
        assert answers[url][0] == 404
    assert [leak for url, (_, body) in answers.items() for leak in leaks(url, body)] == []


def test_a_network_turned_back_into_a_draft_disappears_from_the_preview(preview, hidden_content):
    record = hidden_content / f"operations/2024/{OPEN_ID}.yaml"
    version = preview.preview.version
    record.write_text(
        OPEN_RECORD.replace("status: published", "status: draft").replace("Open network", canary("flip", "title")),
        encoding="utf-8",
    )
    preview.preview.wait_for_change(version, timeout=120)
    assert preview.preview.result.ok, preview.preview.result.problems
    answers = served(preview)
    assert answers[f"operations/{OPEN_ID}/"][0] == 404
    assert [leak for url, (_, body) in answers.items() for leak in leaks(url, body) if "open" not in leak] == []


def test_the_preview_shows_problems_of_draft_files_to_the_editor_escaped(charts, preview, hidden_content, tmp_path):
    """The preview exists to show the editor what is wrong, drafts included: a broken draft is
    listed with its own words, escaped. The public build of the same content writes nothing."""
    draft = hidden_content / f"operations/2024/{DRAFT_ID}.yaml"
    version = preview.preview.version
    broken = hidden_record(DRAFT_ID, "2024-03", "draft", "draft", OPEN_ID).replace(
        "accounts: 918273645", "accounts: <script>zqcanarybrokendraft</script>"
    )
    draft.write_text(broken, encoding="utf-8")
    preview.preview.wait_for_change(version, timeout=120)
    status, body = fetch(preview.url + f"operations/{OPEN_ID}/")
    page = body.decode("utf-8")
    assert status == 200 and "1 problem in the content" in page
    assert "found &#x27;&lt;script&gt;zqcanarybrokendraft&lt;/script&gt;&#x27;" in page
    assert page.count("<script") == 1  # the preview's own reload script, nothing from the content

    out = tmp_path / "public"
    result = build_site(hidden_content, out, TODAY, cache_dir=charts)
    assert not result.ok
    assert not out.exists()
