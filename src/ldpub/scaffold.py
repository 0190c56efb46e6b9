"""``ldpub init``: a new dataset project from the templates shipped with ldpub.

The templates (``ldpub/templates/init``) hold a config, a minimal ontology with ldpub's
annotations, shapes, one record, a named query, a GitHub Actions workflow and a pre-commit
hook that run ``ldpub validate``. Names starting with ``dot-`` become dotfiles; ``$name``,
``$title``, ``$base_iri``, ``$vocab_iri``, ``$vocab_ns`` and ``$shapes_ns`` are filled in.
The new project validates and builds as it is. ``records.schema.json`` (the JSON Schema of
its records, :mod:`ldpub.recordschema`) is wired for editors that use the YAML language
server: ``.vscode/settings.json`` maps it to ``data/*.yaml`` and the sample record names it
on its first line.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from string import Template

from .errors import ConfigError

__all__ = ["init_project", "template_files", "SCHEMA_FILE"]

SCHEMA_FILE = "records.schema.json"  # written by `ldpub schema`; editors read it (see .vscode/settings.json)


def template_files() -> dict[str, str]:
    """The template files: project-relative path -> text (``dot-`` names already renamed)."""
    root = resources.files("ldpub") / "templates" / "init"
    out: dict[str, str] = {}

    def walk(node, prefix: str) -> None:
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            name = "." + child.name[4:] if child.name.startswith("dot-") else child.name
            if child.is_dir():
                if child.name != "__pycache__":
                    walk(child, f"{prefix}{name}/")
            else:
                out[f"{prefix}{name}"] = child.read_text(encoding="utf-8")

    walk(root, "")
    return out


def init_project(folder: Path, name: str | None = None, title: str | None = None,
                 base_iri: str | None = None, *, notify=None) -> list[Path]:
    """Create a project in ``folder`` (new or empty); return the files written.

    ``notify`` hears of leftovers of an earlier, interrupted ``init`` that were cleaned up.
    """
    from .output import is_internal, write_files

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ConfigError.at("exists and is not a folder", folder, hint="choose a new folder name")
    if folder.is_dir() and any(not is_internal(p.name) for p in folder.iterdir()):
        raise ConfigError.at("folder is not empty; ldpub init does not overwrite anything", folder,
                             hint="choose a new or empty folder")
    name = name or re.sub(r"[^a-z0-9-]+", "-", folder.resolve().name.lower()).strip("-") or "dataset"
    base_iri = base_iri or f"https://example.org/{name}/id/"
    if not base_iri.endswith(("/", "#")):
        raise ConfigError.at(f"base IRI {base_iri!r} must end with '/' or '#'", folder,
                             hint="slugs are appended to it")
    site = base_iri.rstrip("/#")
    site = site[: -len("/id")] if site.endswith("/id") else site
    from .installation import pip_requirement

    values = {
        "ldpub_requirement": pip_requirement(),
        "name": name,
        "title": (title or name.replace("-", " ").title()).replace('"', "'"),
        "base_iri": base_iri,
        "vocab_iri": f"{site}/ontology",
        "vocab_ns": f"{site}/ontology#",
        "shapes_ns": f"{site}/shapes#",
    }
    files = {path: Template(text).safe_substitute(values).encode("utf-8") for path, text in template_files().items()}
    files[SCHEMA_FILE] = _record_schema(files)
    return write_files(folder, dict(sorted(files.items())), notify=notify)


def _record_schema(files: dict[str, bytes]) -> bytes:
    """The JSON Schema of the new project's records (``ldpub schema``), for editors."""
    import tempfile

    from .config import load_project
    from .recordschema import project_schema, schema_json

    with tempfile.TemporaryDirectory(prefix="ldpub-init-") as tmp:
        for path, content in files.items():
            target = Path(tmp, path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        return schema_json(project_schema(load_project(tmp))).encode("utf-8")
