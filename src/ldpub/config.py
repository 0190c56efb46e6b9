"""Project settings: where the ontology, shapes, records and queries live, and the base IRI.

Settings come from ``ldpub.toml`` in the project folder (or ``[tool.ldpub]`` in its
``pyproject.toml``). Paths are relative to the project folder.

Example ``ldpub.toml``::

    [project]
    name = "taliban-al-qaeda"
    base_iri = "https://w3id.org/ldpub/dataset/taliban-al-qaeda/id/"
    data_prefix = "d"
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError

__all__ = ["Project", "load_project", "CONFIG_FILE"]

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
    """Read the project settings of the folder ``root`` (default: the current directory)."""
    root = Path(root or ".").resolve()
    if not root.is_dir():
        raise ConfigError.at("project folder does not exist", root)
    settings, source = _read_settings(root)
    proj = settings.get("project", {})
    paths = settings.get("paths", {})
    if not isinstance(proj, dict) or not isinstance(paths, dict):
        raise ConfigError.at("[project] and [paths] must be tables", source)
    base_iri = proj.get("base_iri")
    if not base_iri or not isinstance(base_iri, str):
        raise ConfigError.at(
            "missing [project] base_iri", source, hint='add base_iri = "https://example.org/id/"'
        )
    if not base_iri.endswith(("/", "#")):
        raise ConfigError.at(
            f"base_iri {base_iri!r} must end with '/' or '#'", source, hint="slugs are appended to it"
        )
    sources = paths.get("sources")
    return Project(
        root=root,
        name=str(proj.get("name", root.name)),
        base_iri=base_iri,
        data_prefix=str(proj.get("data_prefix", "d")),
        language=str(proj.get("language", "en")),
        ontology_dir=Path(paths.get("ontology", "ontology")),
        shapes_dir=Path(paths.get("shapes", "shapes")),
        data_dir=Path(paths.get("data", "data")),
        queries_dir=Path(paths.get("queries", "queries")),
        out_dir=Path(paths.get("out", "dist")),
        sources_dir=Path(sources) if sources else None,
        settings=settings,
    )
