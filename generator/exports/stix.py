"""The STIX 2.1 bundle (`data/stix.json`): the platform as the `identity` that created everything,
each network a `campaign`, countries and regions as `location`s it `originates-from` or `targets`,
DISARM techniques as `attack-pattern`s it `uses`, attributed actors as `threat-actor`s.

Deterministic: ids are UUIDv5 of the object's type and a stable key, timestamps come from report
publication and correction dates (never the clock), so a rebuild gives byte-identical JSON.
"""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from generator.exports import Job, Output
from generator.exports.json import one_per_line
from generator.model import Operation

FORMAT = "STIX 2.1 bundle"
PATH = "data/stix.json"

NAMESPACE = uuid.UUID("8d7c8f4e-2f0b-5a51-9a5e-7c1f3b0d6a42")
"""Fixed namespace of every id in the bundle; changing it would change every id."""

DISARM_URL = "https://github.com/DISARMFoundation/DISARMframeworks/blob/main/generated_pages/techniques/{}.md"

REGIONS = {
    "africa": "africa",
    "asia": "asia",
    "europe": "europe",
    "eu": "europe",
    "latin-america": "latin-america-caribbean",
    "middle-east": "western-asia",
    "north-america": "northern-america",
    "oceania": "oceania",
}
"""Our named target regions in STIX's region vocabulary; `global` and `unknown` are no place."""

CONFIDENCE = {"low": 15, "medium": 50, "high": 85}
"""The platform's stated confidence on STIX's 0-100 scale (its Low/Med/High mapping)."""

_TYPE_ORDER = ("identity", "campaign", "location", "attack-pattern", "threat-actor", "relationship")


def stix_id(kind: str, job: Job, key: str) -> str:
    """`<type>--<uuid5>` of the type, the site and a stable key: the same object, the same id."""
    return f"{kind}--{uuid5_text(f'{kind}|{job.site.base_url}|{key}')}"


def uuid5_text(name: str) -> str:
    """`str(uuid.uuid5(NAMESPACE, name))`, without building a UUID object: a bundle names tens of
    thousands of relationships, and the object's checks cost more than the SHA-1."""
    digest = hashlib.sha1(_NAMESPACE_BYTES + name.encode("utf-8")).digest()
    value = int.from_bytes(digest[:16], "big") & _KEEP | _VERSION_5_RFC_4122
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


_NAMESPACE_BYTES = NAMESPACE.bytes
_KEEP = ~((0xC000 << 48) | (0xF000 << 64))
"""Every bit of the hash but the variant's two and the version's four (as `uuid.UUID` sets them)."""
_VERSION_5_RFC_4122 = (0x8000 << 48) | (5 << 76)


@functools.lru_cache(maxsize=4096)
def timestamp(day: date, end: bool = False) -> str:
    # kept: a bundle dates its tens of thousands of objects with a few report days
    return f"{day.isoformat()}T{'23:59:59.999' if end else '00:00:00.000'}Z"


_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
"""One encoder for every object (`json.dumps` with options builds a new one per call)."""


class Bundle:
    """Objects by id; an object several networks share is dated by the earliest of them."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.objects: dict[str, dict[str, Any]] = {}
        self.ids: dict[tuple[str, str], str] = {}
        """(type, key) -> id: places, techniques and actors recur in many networks."""
        self.places: dict[str, dict[str, str]] = {}
        """Code -> a location's name and country or region."""
        first = min(job.published.values(), default=job.site.today)
        self.identity = self.add(
            "identity",
            job.site.platform,
            first,
            name=job.site.platform,
            identity_class="organization",
            description=job.site.description or job.site.title,
        )

    def add(self, kind: str, key: str, day: date, **properties: Any) -> str:
        object_id = self.ids.get((kind, key))
        if object_id is None:
            object_id = self.ids[(kind, key)] = stix_id(kind, self.job, key)
        found = self.objects.get(object_id)
        if found is not None:
            if timestamp(day) < found["created"]:
                found["created"] = found["modified"] = timestamp(day)
            return object_id
        made = {
            "type": kind,
            "spec_version": "2.1",
            "id": object_id,
            "created": timestamp(day),
            "modified": timestamp(day),
            **{k: v for k, v in properties.items() if v is not None and v != []},
        }
        if kind != "identity":
            made["created_by_ref"] = self.identity
        self.objects[object_id] = made
        return object_id

    def relate(self, source: str, relationship: str, target: str, day: date, **properties: Any) -> str:
        return self.add(
            "relationship",
            f"{source}|{relationship}|{target}",
            day,
            relationship_type=relationship,
            source_ref=source,
            target_ref=target,
            **properties,
        )

    def place(self, code: str, day: date) -> str | None:
        if code in ("global", "unknown"):
            return None
        if code not in self.places:
            name = self.job.formatter.country(code)
            self.places[code] = (
                {"name": name, "region": REGIONS[code]} if code in REGIONS else {"name": name, "country": code}
            )
        return self.add("location", code, day, **self.places[code])

    def serialise(self) -> bytes:
        """The bundle with one object per line, keys sorted: deterministic and diffable."""
        objects = sorted(self.objects.values(), key=lambda o: (_TYPE_ORDER.index(o["type"]), o["id"]))
        lines = [_ENCODER.encode(o) for o in objects]
        return one_per_line({"type": "bundle", "id": stix_id("bundle", self.job, "bundle")}, "objects", lines)


def _campaign(bundle: Bundle, op: Operation) -> str:
    job = bundle.job
    published = job.published[op.period.name]
    first = op.activity_first or op.takedown
    last = op.activity_last or op.takedown
    references = [{"source_name": job.site.title, "url": job.permalink(op), "external_id": op.id}]
    for source in op.sources:
        references.append({"source_name": source.title, "url": source.url})
        if source.archive_url:
            references.append({"source_name": source.title, "url": source.archive_url, "description": "archived copy"})
    custom: dict[str, Any] = {
        "x_accounts": op.accounts_total,
        "x_accounts_approximate": op.is_approximate("accounts") if op.accounts_total is not None else None,
        "x_followers": op.followers,
        "x_followers_approximate": op.is_approximate("followers") if op.followers is not None else None,
        "x_detection": op.detection,
        "x_takedown": op.takedown.name,
        "x_period": op.period.name,
        "x_narratives": list(op.narratives),
        **{f"x_{name}": count for name, count in op.surfaces},
    }
    if op.ad_spend is not None:
        custom.update(x_ad_spend_amount=op.ad_spend.amount, x_ad_spend_currency=op.ad_spend.currency)
    campaign = bundle.add(
        "campaign",
        op.id,
        published,
        name=op.title,
        description=op.summary,
        first_seen=timestamp(min(first.start, last.start)),
        last_seen=timestamp(max(first.end, last.end), end=True),
        objective="; ".join(op.narratives) or None,
        external_references=references,
        **custom,
    )
    # Corrections change the record after publication: its `modified` says when.
    if op.corrections:
        bundle.objects[campaign]["modified"] = timestamp(max(published, op.corrections[-1].date))
    return campaign


def render(job: Job, earlier: Mapping[str, Output]) -> Iterator[Output]:
    bundle = Bundle(job)
    campaigns = {op.id: _campaign(bundle, op) for op in job.site.operations}
    for op in job.site.operations:
        campaign, day = campaigns[op.id], job.published[op.period.name]
        for relationship, codes in (("originates-from", op.origin), ("targets", op.targets)):
            for code in codes:
                location = bundle.place(code, day)
                if location:
                    bundle.relate(campaign, relationship, location, day)
        for technique in op.techniques:
            pattern = bundle.add(
                "attack-pattern",
                technique,
                day,
                name=f"DISARM {technique}",
                external_references=[
                    {"source_name": "DISARM", "external_id": technique, "url": DISARM_URL.format(technique)}
                ],
            )
            bundle.relate(campaign, "uses", pattern, day)
        for other in op.related:
            bundle.relate(campaign, "related-to", campaigns[other], day)
        if op.attribution is not None:
            actor = bundle.add("threat-actor", op.attribution.actor, day, name=op.attribution.actor)
            bundle.relate(
                campaign,
                "attributed-to",
                actor,
                day,
                confidence=CONFIDENCE.get(op.attribution.confidence or ""),
                x_state_affiliated=op.attribution.state_affiliated,
            )
            for code in op.attribution.country:
                location = bundle.place(code, day)
                if location:
                    bundle.relate(actor, "located-at", location, day)
    _ = job.formatter.gettext
    yield Output(
        PATH,
        bundle.serialise(),
        FORMAT,
        len(campaigns),
        _("Every network as a STIX 2.1 campaign, with its countries, techniques and attribution."),
    )
