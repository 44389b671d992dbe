"""Edit-to-reload time of `transparency serve`: N synthetic networks, a page open in headless
Chromium, one record edited on disk, and the time until the browser has loaded the new page.

    python bench/serve_edit.py [--networks 1000] [--edits 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synthetic import write_synthetic_content  # noqa: E402

from generator.serve import start_preview  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--networks", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-serve-", ignore_cleanup_errors=True) as work:
        content = write_synthetic_content(Path(work) / "content", args.networks)
        record = sorted((content / "operations").rglob("*.yaml"))[
            len(list((content / "operations").rglob("*.yaml"))) // 2
        ]
        record_id = record.stem
        started = time.perf_counter()
        running = start_preview(content, Path(work) / "serve", as_of=None)
        print(f"first build of {args.networks} networks: {time.perf_counter() - started:.1f} s")
        timings = []
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page()
            page.goto(f"{running.url}operations/{record_id}/")
            original = record.read_text(encoding="utf-8")
            for edit in range(args.edits):
                marker = f"Edited title {edit}"
                text = original.replace("title: Network", f"title: {marker} Network", 1)
                time.sleep(0.5)  # let the watcher settle between edits (not part of the measurement)
                with page.expect_navigation(timeout=30_000):
                    t0 = time.perf_counter()
                    record.write_text(text, encoding="utf-8")
                page.wait_for_selector(f"h1:has-text('{marker}')", timeout=30_000)
                timings.append(time.perf_counter() - t0)
                stages = running.preview.result.timings if running.preview.result else {}
                detail = ", ".join(f"{k} {v:.2f}" for k, v in stages.items())
                print(f"edit {edit + 1}: {timings[-1]:.2f} s from save to the new page loaded (rebuild: {detail})")
            record.write_text(original, encoding="utf-8")
            browser.close()
        running.close()
    print(f"median edit-to-reload at {args.networks} networks: {statistics.median(timings):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
