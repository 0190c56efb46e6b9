"""Shared fixtures: the repository's project, a throw-away copy of it, and a CLI runner."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import _sampling  # noqa: F401  (loads hypothesis's "ci" profile under LDPUB_FULL_TESTS=1 before any test module)

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT.parent / "shared" / "sources"
RELEASE_EPOCH = 1795564800  # 2026-11-25T00:00:00Z


@pytest.fixture(scope="session", autouse=True)
def _record_cache_in_tmp(tmp_path_factory):
    """Keep the tests' record cache out of the user's ~/.cache."""
    os.environ.setdefault("LDPUB_CACHE_DIR", str(tmp_path_factory.mktemp("ldpub-cache")))


@pytest.fixture(scope="session", autouse=True)
def _query_store_in_the_foreground(tmp_path_factory):
    """``ldpub build`` makes its query store before it returns (``LDPUB_QUERY_STORE=foreground``):
    tests of something else see it made, and leave no detached maker behind. The tests of the
    background maker (tests/test_query_store*.py) unset it; any maker still running in this
    session's temporary folders at the end is given a little time, then killed."""
    os.environ.setdefault("LDPUB_QUERY_STORE", "foreground")
    yield
    from _makers import stop_makers

    stop_makers(tmp_path_factory.getbasetemp(), wait=10.0)


@pytest.fixture(scope="session", autouse=True)
def _release_date():
    """Releases made by the tests are dated 2026-11-25 (SOURCE_DATE_EPOCH), as CI would date them;
    tests of the other date sources pass their own environment."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(RELEASE_EPOCH))


@pytest.fixture(scope="session", autouse=True)
def _quick_starting_java():
    """The reasoner's JVM (HermiT, started several times per reasoning test) with the quick JIT
    only and one GC thread: the same answers for about 30% less CPU on short runs (measured on
    tests/test_reasoning.py: 20.2 s of CPU -> 14.5 s). A JAVA_TOOL_OPTIONS of the user's wins."""
    os.environ.setdefault("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:CICompilerCount=1")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The repository's dataset, built once per test session into a temporary folder."""
    from ldpub.config import load_project
    from ldpub.pipeline import compile_project, write_build

    out = tmp_path_factory.mktemp("dist")
    build = compile_project(load_project(ROOT))
    assert build.report.conforms, [f.render() for f in build.report.findings]
    write_build(build, out)
    return build, out


@pytest.fixture
def project_copy(tmp_path) -> Path:
    """A copy of the repository's project (config, ontology, shapes, data) to break at will."""
    for name in ("ontology", "shapes", "data", "queries"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "ldpub.toml", tmp_path / "ldpub.toml")
    return tmp_path


def invoke_cli(*args) -> tuple[int, str, str]:
    """Run the real `ldpub` entry point in-process on ``args`` (paths allowed); (exit code, stdout, stderr)."""
    import click

    @click.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": []})
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def _entry(args):
        from ldpub.cli import main

        main(list(args))

    result = CliRunner().invoke(_entry, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def run_cli():
    """Run the real `ldpub` entry point in-process; returns (exit_code, stdout, stderr)."""
    return invoke_cli


@pytest.fixture(scope="session")
def cli():
    """:func:`invoke_cli` for module- and session-scoped fixtures (``run_cli`` is per test)."""
    return invoke_cli
