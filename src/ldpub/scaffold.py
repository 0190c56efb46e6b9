"""``ldpub init``: a new dataset project from the templates shipped with ldpub.

The templates (``ldpub/templates/init``) hold a config (with ``[paths] sources`` and
``[publish]``), an ontology (W3C ORG, FOAF, PROV-O, SKOS and a few own terms: EDTF dates,
claims with a status, denials, a source's text file), shapes, a sample (a fictional club, its
members and a denied claim) quoting a sample text in ``sources/``, named queries, a GitHub
Actions workflow and a pre-commit hook. Names starting with ``dot-`` become dotfiles;
``$name``, ``$title``, ``$base_iri``, ``$vocab_iri``, ``$vocab_ns``, ``$shapes_ns``,
``$releases_url`` and ``$issued`` are filled in. Every command works on the new project as it
is (``tests/test_init.py``). ``records.schema.json`` (the JSON Schema of
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
from .settings_checks import iri_problem, toml_string

__all__ = ["init_project", "template_files", "SCHEMA_FILE", "SAMPLE_PARTS"]

SCHEMA_FILE = "records.schema.json"  # written by `ldpub schema`; editors read it (see .vscode/settings.json)


#: Template files of the sample model, replaced by ``init --ontology`` with what it makes from the ontology.
SAMPLE_PARTS = ("ontology/", "shapes/", "data/", "queries/", "sources/", "README.md")


def template_files(kind: str = "init") -> dict[str, str]:
    """The template files of ``templates/KIND``: project-relative path -> text (``dot-`` names renamed)."""
    root = resources.files("ldpub") / "templates" / kind
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
                 base_iri: str | None = None, ontology: list[Path] | None = None, *,
                 notify=None) -> tuple[list[Path], list[str]]:
    """Create a project in ``folder`` (new or empty): the sample model, or a start from the
    ``ontology`` files (see :mod:`ldpub.scaffold_ontology`). Return the files written and notes
    for the user (files converted, licences unknown).

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
    problem = iri_problem(base_iri)
    if problem or not base_iri.endswith(("/", "#")):
        raise ConfigError.at(f"base IRI {base_iri!r}: {problem or 'must end with / or #'}", folder,
                             hint='expected an absolute IRI ending in / or #, e.g. --base-iri "https://example.org/id/"')
    site = base_iri.rstrip("/#")
    site = site[: -len("/id")] if site.endswith("/id") else site
    from .installation import pip_requirement

    values = {
        "ldpub_requirement": pip_requirement(),
        "name": name,
        "title": title or name.replace("-", " ").title(),
        "base_iri": base_iri,
        "vocab_iri": f"{site}/ontology",
        "vocab_ns": f"{site}/ontology#",
        "shapes_ns": f"{site}/shapes#",
        "releases_url": f"{site}/releases/",
        "issued": _today().isoformat(),
        "description": "organizations, their members and roles, and sourced claims with their status",
        "ontology_files": "",
    }
    if ontology:
        values["ontology_files"] = ", ".join(Path(p).name for p in ontology)
        values["description"] = f"records on the terms of {values['ontology_files']}"
    for key, value in values.items():
        if any(0xD800 <= ord(c) <= 0xDFFF for c in value):
            raise ConfigError.at(f"the project {key} is not valid text (it holds bytes that are not UTF-8)", folder,
                                 hint=f"give --{key} in UTF-8")
    templates = template_files()
    notes: list[str] = []
    if ontology:
        from .scaffold_ontology import ontology_files

        templates = {p: t for p, t in templates.items() if not p.startswith(SAMPLE_PARTS)} | template_files("init-ontology")
    files = {}
    for path, text in templates.items():
        escape = _ESCAPES.get(Path(path).suffix, lambda v: v)
        escaped = {key: escape(value) for key, value in values.items()}
        files[path] = Template(text).safe_substitute(escaped).encode("utf-8")
    if ontology:
        made, notes = ontology_files(list(ontology), values)
        files.update(made)
    files[SCHEMA_FILE] = _record_schema(files)
    return write_files(folder, dict(sorted(files.items())), notify=notify), notes


def _today():
    """The day the project is made (UTC), or the day of ``SOURCE_DATE_EPOCH`` when it is set."""
    import datetime as dt
    import os

    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc) if epoch.isdigit() else dt.datetime.now(dt.timezone.utc)
    return moment.date()


def _turtle_text(value: str) -> str:
    """``value`` inside a Turtle string literal (and on one line, for comments)."""
    from .ntriples import literal

    return literal(value)[1:-1]


def _toml_text(value: str) -> str:
    """``value`` inside a TOML basic string."""
    return toml_string(value)[1:-1]


# how template values are escaped, by the template file's suffix (the others get the text as is)
_ESCAPES = {".toml": _toml_text, ".ttl": _turtle_text, ".md": lambda value: " ".join(value.split())}


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
