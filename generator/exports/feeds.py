"""Atom feeds, built with feedgen: `feeds/reports.xml` (one entry per published report) and
`feeds/corrections.xml` (one entry per correction to a published network).

Deterministic: entries are sorted and every date comes from the content (a feed's `updated` is
its newest entry's), never from the clock.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from feedgen.feed import FeedGenerator

from generator.exports import Job, Output

FORMAT = "Atom feed"


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    link: str
    updated: date
    summary: str


def _moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def atom(job: Job, path: str, title: str, subtitle: str, entries: list[Entry]) -> bytes:
    """An Atom document of these entries, newest first, dated by its newest entry."""
    site = job.site
    entries = sorted(entries, key=lambda e: (e.updated, e.id), reverse=True)
    feed = FeedGenerator()
    feed.id(site.base_url + path)
    feed.title(title)
    feed.subtitle(subtitle)
    feed.author({"name": site.platform})
    feed.link(href=site.base_url + path, rel="self", type="application/atom+xml")
    feed.link(href=site.base_url, rel="alternate", type="text/html")
    feed.language(site.language)
    # A feed with no entry yet is as old as the newest report (or the build date, with none).
    newest = entries[0].updated if entries else max(job.published.values(), default=site.today)
    feed.updated(_moment(newest))
    for entry in entries:
        item = feed.add_entry(order="append")
        item.id(entry.id)
        item.title(entry.title)
        item.link(href=entry.link, rel="alternate", type="text/html")
        item.updated(_moment(entry.updated))
        item.published(_moment(entry.updated))
        item.summary(entry.summary)
    return feed.atom_str(pretty=True)


def report_entries(job: Job) -> list[Entry]:
    formatter = job.formatter
    entries = []
    for period in job.site.periods:
        count = len(period.operations)
        networks = formatter.translations.ngettext("%(count)s network", "%(count)s networks", count) % {
            "count": formatter.count(count)
        }
        url = job.period_url(period.name)
        entries.append(Entry(url, period.title, url, period.published, f"{period.title}: {networks}."))
    return entries


def correction_entries(job: Job) -> list[Entry]:
    _ = job.formatter.gettext
    entries = []
    for op in job.site.operations:
        for number, correction in enumerate(op.corrections, start=1):
            # Corrections are append-only, so a correction's number is a stable id.
            entries.append(
                Entry(
                    f"{job.permalink(op)}#correction-{number}",
                    _("Correction: %(title)s") % {"title": op.title},
                    f"{job.permalink(op)}#corrections",
                    correction.date,
                    correction.note,
                )
            )
    return entries


def render(job: Job, earlier: Mapping[str, Output]) -> Iterator[Output]:
    site = job.site
    _ = job.formatter.gettext
    feeds = (
        (
            "feeds/reports.xml",
            _("%(site)s: new reports") % {"site": site.title},
            _("Each reporting period's networks, as it is published."),
            report_entries(job),
        ),
        (
            "feeds/corrections.xml",
            _("%(site)s: corrections") % {"site": site.title},
            _("Every correction made to a published figure."),
            correction_entries(job),
        ),
    )
    for path, title, subtitle, entries in feeds:
        yield Output(
            path,
            atom(job, path, title, subtitle, entries),
            FORMAT,
            len(entries),
            subtitle,
            feed_title=title,
        )
