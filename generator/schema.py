"""The record format, declared once: the operation record, site settings, report and page
front matter, as `Field`s of the kinds in `kinds.py`.

The validator, `transparency schema`, the /data/ field dictionary and the CSV columns all read
these declarations; nothing else restates the format.
"""

from __future__ import annotations

from typing import Any

from generator.kinds import (
    DAY,
    PALETTE,
    PERIOD,
    REGIONS,
    Amount,
    Asset,
    Boolean,
    Choice,
    Colour,
    Count,
    Currency,
    Field,
    ListOf,
    Places,
    Record,
    Slug,
    Technique,
    Text,
    Url,
    When,
)
from generator.periods import CADENCES

SURFACES = (
    "facebook_accounts",
    "instagram_accounts",
    "pages",
    "groups",
    "channels",
    "ad_accounts",
    "threads_accounts",
    "x_accounts",
)
"""Per-surface counts a platform may disclose besides its headline account total."""

SOURCE = Record(
    (
        Field("title", Text(max_length=300), "Title of the cited page as published.", True),
        Field("url", Url(), "Address of the cited page.", True),
        Field("archive_url", Url(), "Address of an archived copy (e.g. the Wayback Machine)."),
    )
)

CORRECTION = Record(
    (
        Field("date", DAY, "Day the correction was made.", True),
        Field("note", Text(max_length=1000), "What changed and why.", True),
    )
)

OPERATION = Record(
    title="Disrupted covert influence operation",
    fields=(
        Field(
            "id",
            Slug(),
            "Stable identifier; equals the file name and the permalink; never reused.",
            True,
            "2024-12-md-romanian-diaspora",
        ),
        Field("title", Text(max_length=200), "Short descriptive title in our own words.", True),
        Field(
            "status",
            Choice(choices=("draft", "published")),
            "Only `published` records appear on the site.",
            True,
        ),
        Field(
            "takedown",
            When(),
            "When the network was removed, as precisely as the source says.",
            True,
            "2024-12",
        ),
        Field(
            "report",
            PERIOD,
            "Reporting period that disclosed it (default: the period containing `takedown`).",
        ),
        Field(
            "origin",
            Places(alone=("unknown",)),
            "Countries the network was operated from.",
            True,
            ["MD"],
        ),
        Field(
            "targets",
            Places(alone=("global", "unknown"), regions=REGIONS[1:]),
            "Countries or regions whose audiences it targeted.",
            True,
            ["RO", "MD"],
        ),
        Field(
            "detection",
            Choice(choices=("internal", "external", "unknown")),
            "Whether the platform found it itself or was tipped off.",
            True,
        ),
        Field("accounts", Count(), "Accounts removed (required unless `surfaces` is given)."),
        Field("followers", Count(), "Followers of the removed accounts; absent means not disclosed."),
        Field(
            "approximate",
            ListOf(item=Choice(choices=("accounts", "followers", "ad_spend", *SURFACES))),
            "Figures that the source gives only approximately (shown with '~').",
        ),
        Field(
            "surfaces",
            Record(tuple(Field(s, Count(), f"{s.replace('_', ' ').capitalize()} removed.") for s in SURFACES)),
            "Per-surface counts: Facebook accounts, Pages, Groups, Instagram accounts, channels...",
        ),
        Field(
            "ad_spend",
            Record(
                (
                    Field("amount", Amount(), "Amount spent on ads.", True),
                    Field(
                        "currency",
                        Currency(),
                        "ISO 4217 currency of the amount (required unless 0).",
                    ),
                )
            ),
            "Money the network spent on ads.",
        ),
        Field(
            "attribution",
            Record(
                (
                    Field(
                        "actor",
                        Text(max_length=300),
                        "Whom the platform linked the network to.",
                        True,
                    ),
                    Field("country", Places(alone=()), "Country of the actor."),
                    Field(
                        "state_affiliated",
                        Boolean(),
                        "Whether the platform called the actor state-affiliated.",
                    ),
                    Field(
                        "confidence",
                        Choice(choices=("low", "medium", "high")),
                        "The platform's stated confidence.",
                    ),
                )
            ),
            "Whom the platform attributed the network to, if it said.",
        ),
        Field(
            "activity",
            Record(
                (
                    Field("first", When(), "First known activity."),
                    Field("last", When(), "Last known activity."),
                )
            ),
            "First and last known activity.",
        ),
        Field("techniques", ListOf(item=Technique()), "DISARM technique ids."),
        Field(
            "related",
            ListOf(item=Slug()),
            "Ids of earlier related networks (e.g. re-emergence); must exist.",
        ),
        Field(
            "previous_ids",
            ListOf(item=Slug()),
            "Earlier ids of this record; their URLs redirect here.",
        ),
        Field(
            "narratives",
            ListOf(item=Text(max_length=200)),
            "Short labels of what the network pushed.",
            True,
        ),
        Field(
            "summary",
            Text(max_length=5000, markdown=True),
            "What the network did, in Markdown (no raw HTML).",
            True,
        ),
        Field(
            "sources",
            ListOf(item=SOURCE, min_items=1),
            "Public pages the figures were read in.",
            True,
        ),
        Field(
            "corrections",
            ListOf(item=CORRECTION),
            "Append-only list of corrections to published figures.",
        ),
    ),
)

SITE = Record(
    title="Site settings",
    fields=(
        Field(
            "platform",
            Text(max_length=80),
            "Name of the platform that disclosed the networks.",
            True,
        ),
        Field("title", Text(max_length=120), "Site title.", True),
        Field(
            "base_url",
            Url(),
            "Public address of the site (used for permalinks, feeds, sitemap).",
            True,
        ),
        Field("cadence", Choice(choices=CADENCES), "Length of a reporting period.", True),
        Field("language", Choice(choices=("en",)), "Language of the interface and formatting.", True),
        Field(
            "description",
            Text(max_length=300),
            "One-sentence description for search engines and feeds.",
        ),
        Field(
            "theme",
            Record(
                (
                    Field("primary", Colour(), "Colour of the header and links."),
                    Field("accent", Colour(PALETTE[:-5]), "Colour of hovered links and buttons."),
                    Field("logo", Asset(), "Logo in the header: an image in overrides/, e.g. assets/logo.svg."),
                    Field("favicon", Asset(), "Browser tab icon: an image in overrides/, e.g. assets/favicon.png."),
                )
            ),
            "The site's own look (templates and CSS go in the overrides/ folder next to site.yaml).",
        ),
        Field(
            "footer_links",
            ListOf(
                item=Record(
                    (
                        Field("title", Text(max_length=80), "Text of the link.", True),
                        Field("url", Url(), "Address it leads to.", True),
                    )
                ),
                max_items=20,
            ),
            "Links shown in the footer of every page (privacy policy, contact...).",
        ),
    ),
)

REPORT = Record(
    title="Report intro front matter",
    fields=(
        Field("title", Text(max_length=200), "Title of the period's report.", True),
        Field(
            "published",
            DAY,
            "Publication day; before it the period and its networks are embargoed.",
            True,
        ),
    ),
)

PAGE = Record(
    title="Page front matter",
    fields=(
        Field("title", Text(max_length=200), "Page title.", True),
        Field("order", Count(), "Position in the navigation (smaller first)."),
    ),
)


def json_schema() -> dict[str, Any]:
    """The JSON Schema of one operation record, for editors and the /data/ page."""
    schema = OPERATION.json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "operation.schema.json",
        **schema,
        "anyOf": [{"required": ["accounts"]}, {"required": ["surfaces"]}],
    }
