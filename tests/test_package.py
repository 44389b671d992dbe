"""The installable package: a wheel carries the templates, static assets and the `init` skeleton,
and installed into a fresh virtual environment outside the repository it runs init, check and
build with `--content` and `--out` from any folder.

Kept fast and offline (about 15 s): the wheel is built from a copy of the sources with the
current environment's setuptools (`--no-build-isolation`, setuptools is in the test extra), and
installed with `--no-deps` into a new venv whose only other path is this environment's
site-packages (for jinja2, mkdocs...). The package itself comes from the wheel, which the test
checks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from generator import __version__
from tests.conftest import REPO

SOURCES = ("pyproject.toml", "README.md", "generator", "templates")


def data_folders() -> set[str]:
    """Every importable folder of generator/ and templates/, as the package name setuptools needs."""
    names = {"generator", "generator.templates"}
    for base, package in ((REPO / "generator", "generator"), (REPO / "templates", "generator.templates")):
        for folder in base.rglob("*"):
            parts = folder.relative_to(base).parts
            if folder.is_dir() and all(p.isidentifier() for p in parts) and "__pycache__" not in parts:
                names.add(".".join((package, *parts)))
    return names


def test_every_folder_of_code_and_data_is_a_listed_package() -> None:
    listed = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    assert set(listed) == data_folders()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(dist), "."],
        cwd=source,
        check=True,
        capture_output=True,
    )
    (found,) = dist.glob("*.whl")
    return found


def test_the_wheel_carries_every_template_asset_and_skeleton_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = REPO / "templates"
    expected = {f"generator/templates/{p.relative_to(templates).as_posix()}" for p in _files(templates)}
    expected |= {p.relative_to(REPO).as_posix() for p in _files(REPO / "generator")}
    assert expected - names == set()


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts]


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A new virtual environment outside the repository with the wheel installed."""
    root = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    python = root / "bin" / "python"
    target = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # the dependencies, from this environment: a plain path, so its .pth files (among them the
    # editable install of this repository) are not read
    (target / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel],
        check=True,
        capture_output=True,
    )
    return root


def run(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "SOURCE_DATE_EPOCH")}
    environment["PATH"] = f"{venv / 'bin'}{os.pathsep}{environment.get('PATH', '')}"
    return subprocess.run(list(args), cwd=cwd, env=environment, capture_output=True, text=True, check=False)


def test_the_installed_package_comes_from_the_wheel_not_the_repository(venv: Path, tmp_path: Path) -> None:
    code = "import generator.pages as p, generator.shell as s; print(p.__file__, p.TEMPLATES, s.SHELL_TEMPLATES)"
    done = run(venv, str(venv / "bin" / "python"), "-c", code, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    paths = [Path(p) for p in done.stdout.split()]
    assert all(p.is_relative_to(venv) for p in paths), paths
    assert paths[1].name == "templates" and (paths[1] / "home.html").is_file()


def test_transparency_version(venv: Path, tmp_path: Path) -> None:
    done = run(venv, "transparency", "--version", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, f"transparency {__version__}\n")


def test_init_check_and_build_work_from_any_folder(venv: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    site, content, out = str(tmp_path / "acme"), str(tmp_path / "acme" / "content"), str(tmp_path / "out")
    steps = [
        ("transparency", "init", site, "--platform", "Acme"),
        ("transparency", "check", "--content", content),
        ("transparency", "build", "--strict", "--content", content, "--out", out),
    ]
    for step in steps:
        done = run(venv, *step, cwd=elsewhere)
        assert done.returncode == 0, (step, done.stdout, done.stderr)
    assert "Covert influence operations disrupted by Acme" in (tmp_path / "out" / "index.html").read_text("utf-8")
    assert (tmp_path / "out" / "assets" / "extra.css").is_file()


def test_the_installed_package_builds_the_example_site(venv: Path, tmp_path: Path) -> None:
    content = REPO / "content"
    done = run(venv, "transparency", "build", "--content", str(content), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "handbook" / "index.html").is_file()
