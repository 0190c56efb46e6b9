"""Project settings: where the ontology, shapes, records and queries live, and the base IRI.

Settings come from ``ldpub.toml`` in the project folder (or ``[tool.ldpub]`` in its
``pyproject.toml``). Paths are relative to the project folder.

Example ``ldpub.toml``::

    [project]
    name = "peace-agreements"
    base_iri = "https://example.org/peace-agreements/id/"
    data_prefix = "d"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["Project", "load_project", "has_project", "cache_dir", "CONFIG_FILE"]

CONFIG_FILE = "ldpub.toml"


@dataclass(frozen=True)
class Project:
    """A dataset project folder and its settings."""

    root: Path
    name: str
    base_iri: str
    data_prefix: str = "d"
    language: str = "en"
    ontology_dir: Path = Path("ontology")
    shapes_dir: Path = Path("shapes")
    data_dir: Path = Path("data")
    queries_dir: Path = Path("queries")
    out_dir: Path = Path("dist")
    sources_dir: Path | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()  # what the CLI shows before it runs (an input read from outside the project)

    def path(self, p: Path) -> Path:
        """Resolve a project-relative path."""
        return p if p.is_absolute() else self.root / p

    @property
    def ontology_path(self) -> Path:
        return self.path(self.ontology_dir)

    @property
    def shapes_path(self) -> Path:
        return self.path(self.shapes_dir)

    @property
    def data_path(self) -> Path:
        return self.path(self.data_dir)

    @property
    def queries_path(self) -> Path:
        return self.path(self.queries_dir)

    @property
    def out_path(self) -> Path:
        return self.path(self.out_dir)

    @property
    def sources_path(self) -> Path | None:
        return self.path(self.sources_dir) if self.sources_dir else None

    def section(self, name: str) -> dict[str, Any]:
        """A further section of the configuration (e.g. ``publish``, ``serve``), empty if absent."""
        value = self.settings.get(name, {})
        return value if isinstance(value, dict) else {}


def has_project(root: str | Path | None = None) -> bool:
    """Whether the folder ``root`` (default: the current one) holds ldpub settings at all
    (``ldpub.toml``, or a ``pyproject.toml`` with ``[tool.ldpub]``), right or wrong."""
    root = Path(root or ".")
    if (root / CONFIG_FILE).is_file():
        return True
    try:
        return "[tool.ldpub" in (root / "pyproject.toml").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _read_settings(root: Path) -> tuple[dict[str, Any], Path]:
    config = root / CONFIG_FILE
    if config.is_file():
        try:
            return tomllib.loads(config.read_text(encoding="utf-8")), config
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError.at(f"not valid TOML: {exc}", config) from exc
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError.at(f"not valid TOML: {exc}", pyproject) from exc
        tool = data.get("tool", {}).get("ldpub")
        if isinstance(tool, dict):
            return tool, pyproject
    raise ConfigError.at(
        f"no {CONFIG_FILE} here",
        root,
        hint=f"run ldpub in a project folder, pass --project DIR, or create one with 'ldpub init DIR'",
    )


def load_project(root: str | Path | None = None) -> Project:
    """Read the project settings of the folder ``root`` (default: the current directory).

    Every value is checked here, once (see :mod:`ldpub.settings_checks`): a wrong one is a
    :class:`ConfigError` naming the file, the line and the key, what is expected and an example.
    """
    from .settings_checks import SettingsReader

    root = Path(root or ".").resolve()
    if not root.is_dir():
        raise ConfigError.at("project folder does not exist", root)
    settings, source = _read_settings(root)
    reader = SettingsReader(settings, source, root)
    sources = reader.path("paths", "sources", None, may_leave_project=True)
    return Project(
        root=root,
        name=reader.text("project", "name", root.name),
        base_iri=reader.base_iri(),
        data_prefix=reader.prefix_name("project", "data_prefix", "d"),
        language=reader.language_tag("project", "language", "en"),
        ontology_dir=reader.path("paths", "ontology", "ontology"),
        shapes_dir=reader.path("paths", "shapes", "shapes"),
        data_dir=reader.path("paths", "data", "data"),
        queries_dir=reader.path("paths", "queries", "queries"),
        out_dir=reader.path("paths", "out", "dist", writes=True),
        sources_dir=sources,
        settings=settings,
        warnings=tuple(reader.warnings),
    )


def cache_dir(project: Project) -> Path | None:
    """The cache folder of this project (record cache, kept builds, query store), in the user's
    cache folder; ``LDPUB_CACHE=0`` turns it off.

    The cache holds pickles, so it never lives in the project folder: a cloned repository
    must not be able to supply one. Default ``$XDG_CACHE_HOME/ldpub`` (``~/.cache/ldpub``),
    or ``LDPUB_CACHE_DIR``; one subfolder per project path.
    """
    import hashlib
    import os

    if os.environ.get("LDPUB_CACHE", "1").lower() in ("0", "no", "false", "off"):
        return None
    base = os.environ.get("LDPUB_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "ldpub"
    )
    key = hashlib.sha256(str(project.root.resolve()).encode()).hexdigest()[:16]
    return Path(base) / key
