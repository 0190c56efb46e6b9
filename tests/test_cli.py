"""The CLI itself: help, version, unknown commands."""

from __future__ import annotations

import subprocess
import sys

from ldpub import __version__
from ldpub.cli import COMMANDS


def test_help_lists_every_command(run_cli):
    for flag in ("--help", "-h"):
        code, out, _ = run_cli(flag)
        assert code == 0
        for name in COMMANDS:
            assert name in out


def test_version(run_cli):
    code, out, _ = run_cli("--version")
    assert code == 0
    assert __version__ in out


def test_every_command_has_help_with_an_example(run_cli):
    for name in COMMANDS:
        code, out, _ = run_cli(name, "-h")
        assert code == 0, name
        assert "Example" in out, f"'ldpub {name} -h' should end with an example"


def test_unknown_command_suggests_the_nearest(run_cli):
    code, _, err = run_cli("biuld")
    assert code == 2
    assert "did you mean 'build'?" in err


def test_python_dash_m_works_and_help_does_not_import_heavy_libraries():
    code = (
        "import sys\n"
        "from ldpub.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('rdflib', 'pyshacl', 'owlready2', 'pyoxigraph') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr
    result = subprocess.run([sys.executable, "-m", "ldpub", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and __version__ in result.stdout


def test_readme_documents_every_command(repo_root):
    readme = (repo_root / "README.md").read_text()
    for name in COMMANDS:
        assert f"  {name} " in readme or f"ldpub {name}" in readme, f"README does not document '{name}'"
