"""Deterministic synthetic content for benchmarks: N networks over ten years and 60 countries,
with realistic field sizes. Never written into content/: always into a folder the caller owns.
"""

from __future__ import annotations

import random
from pathlib import Path

COUNTRIES = (
    "AE AM AR AZ BD BR BY CA CN CO DE EG ES ET FR GB GE GH GR ID IE IL IN IQ IR IT JP KE KR KZ "
    "LB LY MA MD MX MY NG NI PH PK PL PS RO RS RU SA SD SN SY TH TR TW UA US UZ VE VN YE ZA"
).split()
WORDS = (
    "election elections war ukraine migration energy economy health vaccine climate protest "
    "sovereignty nationalism diaspora opposition government military security religion "
    "culture history media journalists corruption reform referendum independence sanctions"
).split()
YEARS = range(2016, 2026)


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def write_synthetic_content(folder: Path, count: int, cadence: str = "quarter", seed: int = 7) -> Path:
    """Write site.yaml, `count` records and one intro per period into `folder`."""
    rng = random.Random(seed)
    (folder / "operations").mkdir(parents=True, exist_ok=True)
    (folder / "reports").mkdir(exist_ok=True)
    (folder / "pages").mkdir(exist_ok=True)
    (folder / "site.yaml").write_text(
        "platform: Example\ntitle: Synthetic benchmark site\n"
        "base_url: https://example.org/bench/\n"
        f"cadence: {cadence}\nlanguage: en\n",
        encoding="utf-8",
    )
    (folder / "pages" / "about.md").write_text(
        "---\ntitle: About\n---\nSynthetic content for benchmarks.\n", encoding="utf-8"
    )
    periods: set[str] = set()
    for index in range(count):
        year = YEARS[index % len(YEARS)]
        month = rng.randint(1, 12)
        origin = rng.choice(COUNTRIES)
        targets = sorted(set(rng.sample(COUNTRIES, rng.randint(1, 4))))
        record_id = f"{year}-{month:02d}-{origin.lower()}-net-{index:05d}"
        if cadence == "quarter":
            periods.add(f"{year}-q{(month - 1) // 3 + 1}")
        elif cadence == "month":
            periods.add(f"{year}-{month:02d}")
        elif cadence == "half":
            periods.add(f"{year}-h{(month - 1) // 6 + 1}")
        else:
            periods.add(str(year))
        labels = sorted({_words(rng, 3) for _ in range(rng.randint(2, 4))})
        narratives = "\n".join(f"  - {label}" for label in labels)
        followers = f"followers: {rng.randint(0, 2_000_000)}\n" if rng.random() > 0.1 else ""
        path = folder / "operations" / str(year) / f"{record_id}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(
            f"id: {record_id}\n"
            f"title: Network number {index} operated from {origin}\n"
            "status: published\n"
            f"takedown: {year}-{month:02d}\n"
            f"origin: [{origin}]\n"
            f"targets: [{', '.join(targets)}]\n"
            f"detection: {rng.choice(['internal', 'external', 'unknown'])}\n"
            f"accounts: {rng.randint(1, 5000)}\n"
            f"{followers}"
            f"narratives:\n{narratives}\n"
            "summary: |\n"
            f"  {_words(rng, 30)}.\n"
            f"  {_words(rng, 25)}.\n"
            "sources:\n"
            f"  - title: Report {year}-{month:02d}\n"
            f"    url: https://example.org/reports/{year}-{month:02d}\n",
            encoding="utf-8",
        )
    for name in sorted(periods):
        (folder / "reports" / f"{name}.md").write_text(
            f"---\ntitle: Report {name}\npublished: {int(name[:4]) + 1}-01-15\n---\nNetworks disrupted in {name}.\n",
            encoding="utf-8",
        )
    return folder
