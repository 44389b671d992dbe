"""`make bench`: times `check`, each build stage and the whole build on synthetic content of
100, 1,000 and 10,000 networks (generated into a temporary folder), plus a bare mkdocs-material
build of the same number of plain pages with the same sidebar shape: the floor our shell sets.

Each measurement runs in a fresh process so peak RSS is its own ("build MB"; the largest of the
processes it starts, Pagefind or the chart workers, is shown apart as "largest child MB").
Results are printed as a table and written to bench/results/<UTC time>.json (not committed).

    python bench/run.py [--sizes 100 1000 10000] [--skip-bare]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synthetic import write_synthetic_content  # noqa: E402

AS_OF = "2026-11-23"

BUILD_SCRIPT = """
import json, resource, sys, time
start = time.perf_counter()  # imports included, as for the bare build
from datetime import date
from pathlib import Path
from generator.build import build_site
result = build_site(Path(sys.argv[1]), Path(sys.argv[2]), date.fromisoformat(sys.argv[3]), cache_dir=Path(sys.argv[4]))
total = time.perf_counter() - start
assert result.ok, result.problems[:5]
print(json.dumps({"total": total, "stages": result.timings, "counts": result.counts,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "children_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

CHECK_SCRIPT = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run([sys.executable, "-m", "generator", "check", "--content", sys.argv[1], "--as-of", sys.argv[2]],
                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
total = time.perf_counter() - start
assert code == 0, code
print(json.dumps({"total": total, "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

BARE_SCRIPT = """
import json, resource, sys, time
start = time.perf_counter()  # imports included, as for our build
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
build(load_config(sys.argv[1]))
print(json.dumps({"total": time.perf_counter() - start,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(script: str, *args: str) -> dict:
    output = subprocess.run([sys.executable, "-c", script, *args], check=True, capture_output=True, text=True)
    return json.loads(output.stdout.strip().splitlines()[-1])


def bare_site(folder: Path, count: int, periods: list[str]) -> Path:
    """N plain pages out of the sidebar plus one page per period in it, like our shell's nav."""
    import yaml

    docs = folder / "docs"
    (docs / "operations").mkdir(parents=True)
    (docs / "reports").mkdir()
    (docs / "index.md").write_text("# Home\n\nPlain page.\n")
    for index in range(count):
        (docs / "operations" / f"n{index:05d}.md").write_text(
            f"# Network {index}\n\nA plain page of about the same length as a network page.\n\n" + "Words " * 120 + "\n"
        )
    nav: list = [{"Home": "index.md"}]
    years: dict[str, list] = {}
    for name in periods:
        (docs / "reports" / f"{name}.md").write_text(f"# {name}\n\nReport.\n")
        years.setdefault(name[:4], []).append({name: f"reports/{name}.md"})
    nav.append({"Reports": [{year: items} for year, items in sorted(years.items())]})
    config = {
        "site_name": "Bare",
        "docs_dir": str(docs),
        "site_dir": str(folder / "site"),
        "nav": nav,
        "not_in_nav": "/operations/\n",
        "theme": {"name": "material", "font": False},
        "plugins": ["search"],
    }
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--skip-bare", action="store_true", help="do not measure the bare mkdocs-material floor")
    args = parser.parse_args()
    rows = []
    for count in args.sizes:
        with tempfile.TemporaryDirectory(prefix=f"bench-{count}-") as work:
            work_path = Path(work)
            content = write_synthetic_content(work_path / "content", count)
            periods = sorted(p.stem for p in (content / "reports").glob("*.md"))
            check = _run(CHECK_SCRIPT, str(content), AS_OF)
            cache = work_path / "cache"
            cold = _run(BUILD_SCRIPT, str(content), str(work_path / "site"), AS_OF, str(cache))
            warm = _run(BUILD_SCRIPT, str(content), str(work_path / "site"), AS_OF, str(cache))
            bare = None
            if not args.skip_bare:
                bare = _run(BARE_SCRIPT, str(bare_site(work_path / "bare", count, periods)))
            rows.append({"networks": count, "check": check, "build_cold": cold, "build_warm": warm, "bare": bare})
            print(_row_text(rows[-1]), flush=True)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%SZ")
    machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    (results / f"{stamp}.json").write_text(json.dumps({"machine": machine, "rows": rows}, indent=2))
    print()
    print(_table(rows))
    if len(rows) > 1:
        for a, b in zip(rows, rows[1:], strict=False):
            factor = b["networks"] / a["networks"]
            ratio = b["build_warm"]["total"] / a["build_warm"]["total"]
            print(f"{a['networks']} -> {b['networks']} networks ({factor:.0f}x): warm build took {ratio:.1f}x the time")
    print(f"\nwritten to {results / (stamp + '.json')}")
    return 0


def _row_text(row: dict) -> str:
    return (
        f"{row['networks']:>6} networks: check {row['check']['total']:.2f} s, "
        f"build {row['build_cold']['total']:.1f} s cold / {row['build_warm']['total']:.1f} s warm"
    )


def _table(rows: list[dict]) -> str:
    stages = list(rows[0]["build_cold"]["stages"])
    header = ["networks", "check s", "check MB", *[f"{s} s" for s in stages], "build s", "warm s", "build MB"]
    header += ["largest child MB"]
    header += ["bare s", "bare MB", "ours/bare"]
    lines = [" | ".join(header), " | ".join("---" for _ in header)]
    for row in rows:
        cold, warm, bare = row["build_cold"], row["build_warm"], row["bare"]
        cells = [f"{row['networks']:,}", f"{row['check']['total']:.2f}", f"{row['check']['rss_mb']:.0f}"]
        cells += [f"{cold['stages'].get(s, 0):.2f}" for s in stages]
        cells += [f"{cold['total']:.1f}", f"{warm['total']:.1f}", f"{max(cold['rss_mb'], warm['rss_mb']):.0f}"]
        cells += [f"{max(cold.get('children_rss_mb', 0), warm.get('children_rss_mb', 0)):.0f}"]
        if bare:
            cells += [f"{bare['total']:.1f}", f"{bare['rss_mb']:.0f}", f"{warm['total'] / bare['total']:.2f}"]
        else:
            cells += ["–", "–", "–"]
        lines.append(" | ".join(cells))
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
