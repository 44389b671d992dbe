"""Command line: argument parsing, exit codes and output formats. No domain logic lives here.

Exit codes: 0 success, 1 problems found (or the command failed), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from generator import __version__
from generator.errors import Problem, render_github, render_json, render_text


def resolve_today(as_of: date | None) -> date:
    """Today for embargoes and date checks: --as-of, else SOURCE_DATE_EPOCH, else the clock."""
    if as_of:
        return as_of
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except (ValueError, OverflowError, OSError) as exc:
            raise SystemExit(f"error: SOURCE_DATE_EPOCH must be seconds since 1970, not {epoch!r}") from exc
    return datetime.now(tz=UTC).date()


def as_of_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, found {text!r}") from None


def _print_problems(problems: list[Problem], fmt: str, out=None) -> None:
    out = out or sys.stdout
    if fmt == "json":
        print(render_json(problems), file=out)
        return
    for problem in problems:
        print(render_text(problem), file=out)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for problem in problems:
            print(render_github(problem), file=out)


def cmd_check(args: argparse.Namespace) -> int:
    """Validate the content folder and print every problem as path:line:col."""
    from generator.validate import cycle_collector_paused

    # Paused until the checked records are freed, so the collector never walks them (0.2 s for
    # 10,000 records when it restarts while they are alive).
    with cycle_collector_paused():
        return _check(args)


def _check(args: argparse.Namespace) -> int:
    from generator.validate import validate_content

    today = resolve_today(args.as_of)
    checked = validate_content(Path(args.content), today)
    problems = list(checked.problems)
    if args.against:
        from generator.history import check_against

        problems += check_against(Path(args.content), args.against, checked)
    if args.previous_manifest:
        from generator.build import check_manifest

        problems += check_manifest(checked, today, Path(args.previous_manifest))
    _print_problems(problems, args.format)
    errors = sum(p.severity == "error" for p in problems)
    if args.format == "text":
        summary = f"{checked.files} files checked: "
        summary += f"{errors} error{'s' * (errors != 1)}" if errors else "no problems"
        print(summary, file=sys.stderr)
    return 1 if errors else 0


def cmd_schema(args: argparse.Namespace) -> int:
    """Print the JSON Schema of an operation record."""
    from generator.schema import json_schema

    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    """Write a skeleton record from flags (asking for missing ones on a terminal)."""
    from generator.scaffold import NewRecord, write_new_record

    answers = {}
    for name in NewRecord.ASKED:
        value = getattr(args, name)
        if value is None and sys.stdin.isatty():
            value = input(f"{NewRecord.PROMPTS[name]}: ").strip() or None
        answers[name] = value
    path, problems = write_new_record(Path(args.content), answers, resolve_today(None))
    if problems:
        _print_problems(problems, "text", sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    """Validate the content and build the site."""
    from generator.build import build_site

    today = resolve_today(args.as_of)
    quiet = os.environ.get("CI") == "true" and not args.verbose
    progress = None if quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    result = build_site(Path(args.content), Path(args.out), today, progress=progress, strict=args.strict)
    if result.problems:
        _print_problems(result.problems, "text", sys.stderr)
    if result.ok:
        total = sum(result.timings.values())
        print(f"built {args.out}: {result.counts.get('pages', 0)} pages in {total:.1f} s", file=sys.stderr)
    return 0 if result.ok else 1


def cmd_init(args: argparse.Namespace) -> int:
    """Create a new site folder that checks and builds straight away."""
    from generator.init import NewSite, init_site

    site = NewSite(args.platform, args.cadence, args.base_url)
    written, problems = init_site(Path(args.folder), site, resolve_today(None))
    if problems:
        _print_problems(problems, "text", sys.stderr)
        return 1
    print(f"wrote {len(written)} files into {args.folder}; next: cd {args.folder} && transparency check")
    return 0


def cmd_errors(args: argparse.Namespace) -> int:
    """Print the catalogue of every message `check` can print, with examples and fixes."""
    from generator.catalogue import render_catalogue

    sys.stdout.write(render_catalogue())
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Preview the site with live reload; validation errors show in the page."""
    from generator.serve import serve

    return serve(Path(args.content), args.host, args.port, args.as_of, announce=print)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="transparency",
        description="Validate records of disrupted influence operations and build the report site.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, func, help_text: str, example: str) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name,
            help=help_text,
            description=f"{help_text}\n\nexample:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        p.set_defaults(func=func)
        return p

    check = command(
        "check",
        cmd_check,
        "Validate content and print every problem.",
        "transparency check --content content",
    )
    check.add_argument("--content", default="content", help="content folder (default: content)")
    check.add_argument("--as-of", type=as_of_date, help="validate as of this day (YYYY-MM-DD)")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--against", metavar="REV", help="also compare with a git revision")
    check.add_argument(
        "--previous-manifest", metavar="FILE", help="fail if a URL of that earlier build's manifest.json would break"
    )

    command(
        "schema",
        cmd_schema,
        "Print the JSON Schema of a record.",
        "transparency schema > operation.schema.json",
    )

    new = command(
        "new",
        cmd_new,
        "Write a new record skeleton (refuses to overwrite).",
        "transparency new --id 2024-05-ir-uk --title '...' --takedown 2024-05 --origin IR \\\n"
        "    --targets GB,US --accounts 65 --source-title '...' --source-url https://...",
    )
    new.add_argument("--content", default="content")
    from generator.scaffold import NewRecord

    for name in NewRecord.ASKED:
        new.add_argument(f"--{name.replace('_', '-')}", dest=name, help=NewRecord.PROMPTS[name])

    build = command("build", cmd_build, "Validate and build the site.", "transparency build --out site")
    build.add_argument("--content", default="content")
    build.add_argument("--out", default="site")
    build.add_argument("--as-of", type=as_of_date, help="build as of this day (YYYY-MM-DD)")
    build.add_argument("-v", "--verbose", action="store_true", help="print stage timings")
    build.add_argument("--strict", action="store_true", help="fail on warnings too, not only on errors (for CI)")

    init = command(
        "init",
        cmd_init,
        "Create a new site folder: settings, an example record, a CI workflow (refuses a non-empty folder).",
        "transparency init acme-reports --platform Acme --cadence quarter",
    )
    init.add_argument("folder", metavar="DIR", help="folder to create (must be new or empty)")
    init.add_argument("--platform", required=True, help="name of the platform that disrupts the networks")
    init.add_argument("--cadence", choices=("month", "quarter", "half", "year"), default="quarter")
    init.add_argument(
        "--base-url", default="https://example.org/transparency/", help="public address of the site (change later)"
    )

    command(
        "errors",
        cmd_errors,
        "Print every message check can print, with an example mistake and its fix (Markdown).",
        "transparency errors > errors.md",
    )

    serve = command("serve", cmd_serve, "Preview with live reload.", "transparency serve")
    serve.add_argument("--content", default="content")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--as-of", type=as_of_date)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        return 130
