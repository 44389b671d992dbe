"""The site's own look over the built-in theme: overrides/ merged over the shell templates, colours
(named, or hex with contrast-checked text colours), logo, favicon, footer links."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from generator.model import Site
from generator.pages import TEMPLATES

SHELL_TEMPLATES = TEMPLATES / "shell"


COLOURS_CSS = "assets/site-colours.css"
"""Stylesheet written for hex colours in site.yaml (the palette takes only named colours)."""


def merge_theme(site: Site, theme: Path) -> Path:
    """The custom_dir for MkDocs, which reads only one: the built-in shell templates with the
    site's overrides/ copied over them file by file. The built-in main.html stays reachable as
    `builtin/main.html`, so an override can extend it and replace a single block."""
    if theme.exists():
        shutil.rmtree(theme)
    shutil.copytree(SHELL_TEMPLATES, theme)
    shutil.copytree(SHELL_TEMPLATES, theme / "builtin", ignore=shutil.ignore_patterns("assets"))
    if site.look.overrides:
        overrides = Path(site.look.overrides)
        for source in sorted(overrides.rglob("*")):
            relative = source.relative_to(overrides)
            # symlinks are skipped: an override could otherwise publish any file of the machine
            if source.is_file() and not any((overrides / p).is_symlink() for p in (relative, *relative.parents[:-1])):
                target = theme / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, target)
    css = colours_css(site.look.primary, site.look.accent)
    if css:
        (theme / COLOURS_CSS).write_text(css, encoding="utf-8")
    return theme


def with_look(settings: dict[str, Any], site: Site, theme_dir: Path) -> dict[str, Any]:
    """The site's colours, logo, favicon, footer links and extra stylesheets applied to `settings`."""
    look = site.look
    theme = settings["theme"]
    theme["custom_dir"] = str(theme_dir)
    for scheme in theme["palette"]:
        scheme["primary"] = _palette_name(look.primary, scheme["primary"])
        scheme["accent"] = _palette_name(look.accent, scheme["accent"])
    if look.logo:
        theme["logo"] = look.logo
    if look.favicon:
        theme["favicon"] = look.favicon
    if look.footer_links:
        links = [{"title": title, "url": url} for title, url in look.footer_links]
        settings["extra"] = {**settings["extra"], "footer_links": links}
    # the colours first, then the site's own stylesheets (overrides/assets/*.css), whose rules win
    # (names are written into every page unescaped by the theme: plain ones only)
    found = sorted(
        p.relative_to(theme_dir).as_posix()
        for p in (theme_dir / "assets").glob("*.css")
        if re.fullmatch(r"[A-Za-z0-9_-][A-Za-z0-9._-]*\.css", p.name)
    )
    wanted = [COLOURS_CSS, *(name for name in found if name != COLOURS_CSS)]
    listed = settings["extra_css"]
    settings["extra_css"] = [*listed, *(name for name in wanted if name in found and name not in listed)]
    return settings


def _palette_name(colour: str | None, default: str) -> str:
    if colour is None:
        return default
    return "custom" if colour.startswith("#") else colour


_WHITE, _BLACK, _SLATE = (255, 255, 255), (0, 0, 0), (30, 33, 41)
"""Light page, dark text, and the dark (slate) scheme's page background."""


def colours_css(primary: str | None, accent: str | None) -> str:
    """CSS variables for hex colours, with text and link colours chosen for WCAG AA contrast."""
    rules: list[str] = []
    slate: list[str] = []
    if primary and primary.startswith("#"):
        rgb = _rgb(primary)
        on = _text_on(rgb)
        rules += [
            f"--md-primary-fg-color: {primary};",
            f"--md-primary-fg-color--light: {_hex(_mix(rgb, _WHITE, 0.25))};",
            f"--md-primary-fg-color--dark: {_hex(_mix(rgb, _BLACK, 0.25))};",
            f"--md-primary-bg-color: {_hex(on)};",
            f"--md-primary-bg-color--light: {_hex(on)}b3;",
            f"--md-typeset-a-color: {_hex(_readable(rgb, _WHITE))};",
        ]
        slate.append(f"--md-typeset-a-color: {_hex(_readable(rgb, _SLATE))};")
    if accent and accent.startswith("#"):
        rgb = _rgb(accent)
        on = _text_on(rgb)
        rules += [
            f"--md-accent-fg-color: {accent};",
            f"--md-accent-fg-color--transparent: {accent}1a;",
            f"--md-accent-bg-color: {_hex(on)};",
            f"--md-accent-bg-color--light: {_hex(on)}b3;",
        ]
    if not rules:
        return ""
    css = "/* The site's own colours, from `theme:` in site.yaml (written by the build). */\n"
    css += ":root > * {\n" + "".join(f"  {rule}\n" for rule in rules) + "}\n"
    if slate:
        css += ':root > [data-md-color-scheme="slate"] {\n' + "".join(f"  {rule}\n" for rule in slate) + "}\n"
    return css


def _text_on(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    """White or black, whichever reads better on `rgb`."""
    return _WHITE if _contrast(rgb, _WHITE) >= _contrast(rgb, _BLACK) else _BLACK


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#" + "".join(f"{round(c):02x}" for c in rgb)


def _mix(rgb: tuple[int, int, int], other: tuple[int, int, int], amount: float) -> tuple[int, int, int]:
    return tuple(round(a + (b - a) * amount) for a, b in zip(rgb, other, strict=True))  # type: ignore[return-value]


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _readable(rgb: tuple[int, int, int], background: tuple[int, int, int]) -> tuple[int, int, int]:
    """`rgb` moved towards black or white, by the smallest step, until text in it reads on `background`."""
    towards = _BLACK if _luminance(background) > 0.5 else _WHITE
    for step in range(21):
        colour = _mix(rgb, towards, step / 20)
        if _contrast(colour, background) >= 4.5:
            return colour
    return towards
