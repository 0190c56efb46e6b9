"""OWL reasoning with owlready2 and HermiT: consistency, unsatisfiable classes, inferences.

The ontology and the mapped records go to owlready2 as N-Triples (from :mod:`ldpub.graphstore`);
HermiT (bundled with owlready2, runs on Java 11+) decides whether they are consistent.

* **Inconsistent** (e.g. a record typed both ``Person`` and ``Organization``, which the
  ontology declares disjoint): HermiT gives no explanation, so ldpub isolates the culprit
  records by running it again on halves of the records (each with the types of the records
  it refers to), then names what clashes (disjoint types, a functional property with two
  values, a value outside a property's range) and points at the record's file and line.
* **Unsatisfiable classes** (a class no individual can belong to) point at the class's
  line in the ontology.
* **Inferences** (``ldpub build --reason``): new types and property values HermiT derives,
  notably inverse links (``owl:inverseOf``), sorted for byte-identical output.

Without Java, or when the data has more individuals than ``[reason] max_individuals``
(default 10,000; full DL reasoning does not scale past ~10k-100k individuals, see
docs), reasoning is skipped with a warning finding, never a crash. Keep large-data checks in
SHACL. Settings (``ldpub.toml``)::

    [reason]
    max_individuals = 10000   # skip reasoning above this many individuals
    java_memory = 1000        # MB of heap for the reasoner
    max_runs = 24             # reasoner runs allowed to isolate culprit records

The owl:Ontology header's annotations (title, creator, ...) are left out: OWL reads them as
annotations of the ontology, not as facts about an individual.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass, field
from typing import Iterable

from .errors import Location
from .rdfterms import OWL, RDF_TYPE, RDFS
from .report import Finding

__all__ = ["ReasoningResult", "reason_over", "add_inferences", "java_available"]

DEFAULTS = {"max_individuals": 10000, "java_memory": 1000, "max_runs": 24}
_BASE = "http://ldpub.invalid/reasoning/"


@dataclass
class ReasoningResult:
    """What the reasoner found: findings, and (when asked) inferred triples."""

    findings: list[Finding] = field(default_factory=list)
    inferred: list = field(default_factory=list)  # pyoxigraph Triples, sorted
    consistent: bool | None = None  # None when reasoning was skipped
    runs: int = 0


def java_available() -> str | None:
    """The java executable owlready2 will call, or None."""
    import owlready2

    return shutil.which(owlready2.JAVA_EXE)


class _Skipped(Exception):
    pass


class _Reasoner:
    """Runs HermiT through owlready2 on sets of triples; counts its runs."""

    def __init__(self, ontology_triples: list, java_memory: int) -> None:
        import owlready2.reasoning

        from .graphstore import ntriples_bytes

        owlready2.reasoning.JAVA_MEMORY = int(java_memory)
        self.ontology_nt = ntriples_bytes(ontology_triples)
        self.runs = 0

    def run(self, data_triples: Iterable, infer: bool = False):
        """Reason; return the owlready2 World when consistent, None when inconsistent."""
        from owlready2 import OwlReadyInconsistentOntologyError, OwlReadyJavaError, World, sync_reasoner_hermit

        from .graphstore import ntriples_bytes

        self.runs += 1
        world = World()
        data = self.ontology_nt + ntriples_bytes(list(data_triples))
        world.get_ontology(_BASE).load(fileobj=io.BytesIO(data), format="ntriples")
        try:
            sync_reasoner_hermit(world, infer_property_values=infer, debug=0, ignore_unsupported_datatypes=True)
        except OwlReadyInconsistentOntologyError:
            return None
        except OwlReadyJavaError as exc:
            lines = [ln for ln in str(exc).splitlines() if ln.strip()]
            raise _Skipped(f"the reasoner failed: {lines[1] if len(lines) > 1 else lines[0] if lines else exc}") from exc
        except OSError as exc:
            raise _Skipped(f"the reasoner could not start: {exc}") from exc
        return world


def _settings(project) -> dict:
    section = project.section("reason")
    return {k: section.get(k, v) for k, v in DEFAULTS.items()}


def _without_header(ontology_triples: list, ontology_iri: str | None) -> list:
    if not ontology_iri:
        return list(ontology_triples)
    return [t for t in ontology_triples
            if t.subject.value != ontology_iri or t.predicate.value == RDF_TYPE]


def reason_over(build, *, infer: bool = False) -> ReasoningResult:
    """Check a compiled build with HermiT; with ``infer`` also return inferred triples."""
    result = ReasoningResult()
    settings = _settings(build.project)
    onto_file = _display(build, build.vocab.files[0])
    skip_loc = Location(onto_file)
    if java_available() is None:
        result.findings.append(Finding(
            "warning", "OWL reasoning skipped: Java is not installed", skip_loc, rule="reasoning-skipped",
            check="owl", hint="install a Java runtime (e.g. apt-get install default-jre-headless) to run HermiT"))
        return result
    individuals = {t.subject.value for t in build.triples}
    if len(individuals) > int(settings["max_individuals"]):
        result.findings.append(Finding(
            "warning", f"OWL reasoning skipped: {len(individuals)} individuals exceed [reason] max_individuals "
                       f"= {settings['max_individuals']}", skip_loc, rule="reasoning-skipped", check="owl",
            hint="full OWL reasoning does not scale to large data; SHACL still checked every record"))
        return result
    ontology = _without_header(build.ontology_triples, build.vocab.ontology_iri)
    reasoner = _Reasoner(ontology, settings["java_memory"])
    try:
        world = reasoner.run(build.triples)
        if world is not None:
            result.consistent = True
            result.findings.extend(_unsatisfiable(build, world))
            if infer:
                result.inferred = _inferences(build, world, ontology)
        else:
            result.consistent = False
            result.findings.extend(_culprits(build, reasoner, int(settings["max_runs"])))
    except _Skipped as exc:
        result.findings.append(Finding("warning", f"OWL reasoning skipped: {exc}", skip_loc,
                                       rule="reasoning-skipped", check="owl"))
    result.runs = reasoner.runs
    result.findings.sort(key=Finding.sort_key)
    return result


# ------------------------------------------------------------------------ locations
def _display(build, path) -> str:
    root = build.project.root
    return str(path.relative_to(root)) if path.is_relative_to(root) else str(path)


def _term_location(build, iri: str | None) -> Location | None:
    if not iri:
        return None
    from .turtle_lines import index_turtle

    index = getattr(build, "_onto_line_index", None)
    if index is None:
        index = index_turtle(build.vocab.files, build.project.root)
        build._onto_line_index = index
    return index.locate(iri)


def _unsatisfiable(build, world) -> list[Finding]:
    out = []
    for cls in sorted(world.inconsistent_classes(), key=lambda c: c.iri):
        iri = cls.iri
        if iri == OWL + "Nothing":
            continue
        out.append(Finding(
            "violation", f"class {build.vocab.curie(iri)} is unsatisfiable: nothing can ever be one",
            _term_location(build, iri) or Location(_display(build, build.vocab.files[0])), focus=iri,
            rule="unsatisfiable-class", check="owl",
            hint="its superclasses or restrictions contradict each other, e.g. it is a subclass of two disjoint classes"))
    return out


# ------------------------------------------------------------------------ culprits
def _groups(build) -> dict[str, list]:
    """The data triples grouped by the top-level record they came from."""
    source_map = build.mapped.source_map
    groups: dict[str, list] = {}
    for t in build.triples:
        loc = source_map.nodes.get(t.subject.value)
        groups.setdefault(loc.record if loc and loc.record else "~", []).append(t)
    return groups


def _closure(groups: dict[str, list], names: list[str], types_of: dict[str, list]) -> list:
    """The triples of some records plus the types of every node they refer to."""
    out = []
    for name in names:
        out.extend(groups[name])
    subjects = {t.subject.value for t in out}
    for t in list(out):
        o = t.object
        if type(o).__name__ == "NamedNode" and o.value not in subjects:
            out.extend(types_of.get(o.value, ()))
    return out


def _culprits(build, reasoner: _Reasoner, max_runs: int) -> list[Finding]:
    """Name the records that make the data inconsistent.

    First every record is checked against the ontology's explicit axioms (disjoint classes
    with subclasses, domains and ranges; functional properties): the records that clash are
    candidates. HermiT then reasons over all the other records: when they are consistent the
    candidates are the whole story. Otherwise the rest is split in halves and each half
    reasoned over again (bounded by ``max_runs``), for clashes the axioms above do not show.
    """
    groups = _groups(build)
    types_of: dict[str, list] = {}
    for t in build.triples:
        if t.predicate.value == RDF_TYPE:
            types_of.setdefault(t.subject.value, []).append(t)
    findings: dict[str, Finding] = {}
    for name in sorted(groups):
        found = _explain(build, name, _closure(groups, [name], types_of))
        if found is not None:
            findings[name] = found
    owned = {t.subject.value for name in findings for t in groups[name]}
    clean_types = {k: v for k, v in types_of.items() if k not in owned}
    rest = [n for n in sorted(groups) if n not in findings]
    exhausted = False
    unsatisfiable: list[Finding] = []

    def consistent(subset: list[str]) -> bool:
        return reasoner.run(_closure(groups, subset, clean_types)) is not None

    def search(subset: list[str]) -> None:
        nonlocal exhausted
        if len(subset) == 1:
            findings[subset[0]] = _explain(build, subset[0], _closure(groups, subset, clean_types)) or _finding(
                build, subset[0], None, "OWL reasoner: this record's statements make the data inconsistent "
                                        "with the ontology", "inconsistent", build.project.base_iri + subset[0], None)
            return
        half = len(subset) // 2
        found = False
        for part in (subset[:half], subset[half:]):
            if reasoner.runs >= max_runs:
                exhausted = True
                return
            if not consistent(part):
                search(part)
                found = True
        if not found:
            exhausted = True  # the clash needs records from both halves together

    if rest and reasoner.runs < max_runs:
        world = reasoner.run(_closure(groups, rest, clean_types))
        if world is not None:
            unsatisfiable.extend(_unsatisfiable(build, world))
        elif reasoner.run([]) is None:
            return [Finding("violation", "the ontology itself is inconsistent (without any record)",
                            _term_location(build, build.vocab.ontology_iri) or Location(_display(build, build.vocab.files[0])),
                            rule="inconsistent-ontology", check="owl",
                            hint="check disjointness, domains and ranges of the ontology")]
        else:
            search(rest)
    out = unsatisfiable + [findings[n] for n in sorted(findings)]
    if exhausted or not findings:
        out.append(Finding(
            "violation", "the records are inconsistent with the ontology (HermiT); the culprit could not be "
                         "narrowed down to single records" + (f" within [reason] max_runs = {max_runs}"
                                                              if reasoner.runs >= max_runs else ""),
            Location(_display(build, build.project.data_path)), rule="inconsistent", check="owl"))
    return out


def _explain(build, slug: str, triples: list) -> Finding | None:
    """Why one record clashes with the ontology, as precisely as the axioms tell."""
    vocab = build.vocab
    source_map = build.mapped.source_map
    onto = build.ontology_triples
    disjoint: set[tuple[str, str]] = set()
    supers: dict[str, set[str]] = {}
    domain: dict[str, set[str]] = {}
    range_: dict[str, set[str]] = {}
    functional: set[str] = set()
    for t in onto:
        p, s, o = t.predicate.value, t.subject.value, t.object.value
        if p == OWL + "disjointWith":
            disjoint |= {(s, o), (o, s)}
        elif p == RDFS + "subClassOf":
            supers.setdefault(s, set()).add(o)
        elif p == RDFS + "domain":
            domain.setdefault(s, set()).add(o)
        elif p == RDFS + "range":
            range_.setdefault(s, set()).add(o)
        elif p == RDF_TYPE and o == OWL + "FunctionalProperty":
            functional.add(s)

    def up(classes: set[str]) -> set[str]:
        seen, todo = set(), list(classes)
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(supers.get(c, ()))
        return seen

    # why each node has each type: (class -> (reason, line))
    reasons: dict[str, dict[str, tuple[str, int | None]]] = {}
    record = next((r for r in build.records if r.slug == slug), None)  # slugs name top-level records
    type_line = record.key_lines.get("type") if record else None
    for t in triples:
        s, p, o = t.subject.value, t.predicate.value, t.object
        line = source_map.fields.get((s, p))
        if p == RDF_TYPE:
            loc = source_map.nodes.get(s)
            own = loc is not None and loc.record == slug
            reasons.setdefault(s, {}).setdefault(
                o.value, ("typed", (type_line if own and s == build.project.base_iri + slug else loc.line if loc else None)))
            continue
        for d in domain.get(p, ()):
            reasons.setdefault(s, {}).setdefault(d, (f"its '{_key(vocab, p)}' implies", line))
        if type(o).__name__ == "NamedNode":
            for r in range_.get(p, ()):
                reasons.setdefault(o.value, {}).setdefault(r, (f"'{_key(vocab, p)}' of {_short(build, s)} implies", line))
    own_nodes = {t.subject.value for t in triples
                 if (loc := source_map.nodes.get(t.subject.value)) is not None and loc.record == slug}
    def self_clash(why: dict) -> bool:
        typed = up({c for c, (reason, _) in why.items() if reason == "typed"})
        return any((x, y) in disjoint for x in typed for y in typed)

    for node, why in sorted(reasons.items()):
        if node not in own_nodes and self_clash(why):
            continue  # the node's own record contradicts itself: reported there, not here
        closure = {c: up({c}) for c in why}
        for a in sorted(why):
            for b in sorted(why):
                if a < b:
                    clash = next(((x, y) for x in sorted(closure[a]) for y in sorted(closure[b]) if (x, y) in disjoint), None)
                    if clash:
                        line = why[b][1] if why[b][0] != "typed" else why[a][1] if why[a][0] != "typed" else why[a][1]
                        msg = (f"OWL reasoner: {_short(build, node)} would be both {vocab.curie(a)} ({why[a][0]}) and "
                               f"{vocab.curie(b)} ({why[b][0]}), but {vocab.curie(clash[0])} and {vocab.curie(clash[1])} "
                               f"are disjoint")
                        return _finding(build, slug, line, msg, "disjoint-types", node,
                                        "a thing cannot be both; fix the type or the reference")
    values: dict[tuple[str, str], set[str]] = {}
    for t in triples:
        if t.predicate.value in functional:
            values.setdefault((t.subject.value, t.predicate.value), set()).add(str(t.object))
    for (s, p), vals in sorted(values.items()):
        if len(vals) > 1:
            return _finding(build, slug, source_map.fields.get((s, p)),
                            f"OWL reasoner: '{_key(vocab, p)}' is functional (one value) but has {len(vals)}",
                            "functional-property", s, "keep one value")
    return None


def _key(vocab, iri: str) -> str:
    term = vocab.property_by_iri(iri)
    return term.key if term else vocab.curie(iri)


def _short(build, iri: str) -> str:
    base = build.project.base_iri
    return f"'{iri[len(base):]}'" if iri.startswith(base) else build.vocab.curie(iri)


def _finding(build, slug: str, line: int | None, message: str, rule: str, focus: str, hint: str | None) -> Finding:
    loc = build.mapped.source_map.nodes.get(build.project.base_iri + slug) or Location(record=slug)
    return Finding("violation", message, Location(loc.file, line or loc.line, None, slug, None),
                   focus=focus, rule=rule, check="owl", hint=hint)


# ------------------------------------------------------------------------ inferences
def _inferences(build, world, ontology: list) -> list:
    """New facts between named data nodes, sorted: inferred types and inverse links.

    Types: what HermiT's classification adds (owlready2 keeps them outside the input
    ontology). Inverse links: for every data triple whose property has an ``owl:inverseOf``
    (either direction, as owlready2 reads the ontology) or is ``owl:SymmetricProperty``,
    the reverse triple.
    """
    import pyoxigraph as ox
    from owlready2 import SymmetricProperty

    from .graphstore import sorted_triples

    base = build.project.base_iri
    asserted = {str(t) for t in build.triples}
    skip_types = {OWL + "Thing", OWL + "NamedIndividual", OWL + "Ontology"}
    out = []
    for onto in world.ontologies.values():
        if onto.base_iri in (_BASE, "http://anonymous/") or onto.base_iri in {
                t.subject.value for t in ontology if t.predicate.value == RDF_TYPE}:
            continue
        for s, p, o in onto.get_triples():
            if not isinstance(o, int) or s < 0 or o < 0:
                continue  # literals and blank nodes
            s_iri, p_iri, o_iri = (world._unabbreviate(x) for x in (s, p, o))
            if not s_iri.startswith(base) or (p_iri == RDF_TYPE and o_iri in skip_types):
                continue
            out.append(ox.Triple(ox.NamedNode(s_iri), ox.NamedNode(p_iri), ox.NamedNode(o_iri)))
    inverse_of: dict[str, list[str]] = {}
    for t in build.triples:
        p = t.predicate.value
        if p in inverse_of or type(t.object).__name__ != "NamedNode" or not t.object.value.startswith(base):
            continue
        prop = world[p]
        names = []
        if prop is not None and hasattr(prop, "inverse_property"):
            if prop.inverse_property is not None:
                names.append(prop.inverse_property.iri)
            if SymmetricProperty in getattr(prop, "is_a", ()):
                names.append(p)
        inverse_of[p] = names
    for t in build.triples:
        for inverse in inverse_of.get(t.predicate.value, ()):
            out.append(ox.Triple(t.object, ox.NamedNode(inverse), t.subject))
    return sorted_triples(t for t in out if str(t) not in asserted)


def add_inferences(build) -> int:
    """Reason over a build; add its findings to the report and inferred triples to the data.

    Returns how many triples were added (0 when inconsistent or skipped).
    """
    from .graphstore import sorted_triples

    result = reason_over(build, infer=True)
    build.report.checks.append("owl")
    build.report.extend(result.findings)
    if not result.consistent or not result.inferred:
        return 0
    before = len(build.triples)
    build.triples = sorted_triples([*build.triples, *result.inferred])
    build._store = None
    return len(build.triples) - before
