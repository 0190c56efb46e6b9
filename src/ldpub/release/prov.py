"""PROV-O for the build activity of a release (``prov.ttl``): when, with which ldpub, from what."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .rdf import TripleBuilder
from .settings import PublishSettings

__all__ = ["InputFile", "input_paths", "input_files", "prov_triples", "sha256"]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class InputFile:
    """One file the build read: its project-relative path and SHA-256."""

    path: str
    sha256: str


def input_paths(project, data_dir: Path | None = None) -> list[Path]:
    """Every input of a build: the configuration, ontology, shapes and record files."""
    from ..config import CONFIG_FILE
    from ..records import record_files

    paths = [project.root / CONFIG_FILE]
    paths += sorted(project.ontology_path.glob("*.ttl"))
    paths += sorted(project.shapes_path.glob("*.ttl"))
    paths += record_files(Path(data_dir) if data_dir else project.data_path)
    return paths


def input_files(project, data_dir: Path | None = None) -> list[InputFile]:
    """Every input of a build with its SHA-256 (see :func:`input_paths`)."""
    out = []
    for path in input_paths(project, data_dir):
        if path.is_file():
            try:
                name = path.resolve().relative_to(project.root).as_posix()
            except ValueError:
                name = path.name
            out.append(InputFile(name, sha256(path.read_bytes())))
    return out


def prov_triples(settings: PublishSettings, version: str, dataset_iri: str, inputs: list[InputFile],
                 outputs: list[str], ldpub_version: str) -> list:
    """The build activity: used inputs (with hashes), generated outputs, ldpub as software agent."""
    g = TripleBuilder(settings.language)
    release = settings.release_url(version)
    activity, agent, publisher = release + "#build", release + "#ldpub", settings.publisher_node
    g.a(activity, "prov:Activity")
    g.add(activity, "rdfs:label", g.text(f"ldpub publish --version {version}"))
    when = settings.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    g.add(activity, "prov:endedAtTime", g.typed(when, "dateTime"))
    g.link(activity, "prov:wasAssociatedWith", agent, publisher)
    g.a(agent, "prov:SoftwareAgent")
    g.add(agent, "rdfs:label", g.text(f"ldpub {ldpub_version}", None))
    g.add(agent, "schema:softwareVersion", g.text(ldpub_version, None))
    g.link(agent, "schema:codeRepository", "https://w3id.org/ldpub")
    g.a(publisher, "prov:Agent", "foaf:Agent")
    g.add(publisher, "foaf:name", g.text(settings.publisher, None))
    for item in inputs:
        node = f"{release}#input-{item.path.replace('/', '-')}"
        g.link(activity, "prov:used", node)
        g.a(node, "prov:Entity")
        g.add(node, "rdfs:label", g.text(item.path, None))
        checksum = node + "-sha256"
        g.link(node, "spdx:checksum", checksum)
        g.a(checksum, "spdx:Checksum")
        g.link(checksum, "spdx:algorithm", "spdx:checksumAlgorithm_sha256")
        g.add(checksum, "spdx:checksumValue", g.typed(item.sha256, "hexBinary"))
    g.a(dataset_iri, "prov:Entity")
    g.link(dataset_iri, "prov:wasGeneratedBy", activity)
    g.add(dataset_iri, "prov:generatedAtTime", g.typed(when, "dateTime"))
    for name in outputs:
        g.a(release + name, "prov:Entity")
        g.link(release + name, "prov:wasGeneratedBy", activity)
        g.link(release + name, "prov:wasDerivedFrom", *(f"{release}#input-{i.path.replace('/', '-')}" for i in inputs))
    return g.triples
