"""Ontology quality checks in the spirit of ROBOT's ``report`` command.

Each check is a rule with a severity, as ROBOT's default profile grades them (ERROR ->
violation, WARN -> warning, INFO -> info), plus the checks that tie the ontology to the
shapes and the data:

| rule | severity | what |
|---|---|---|
| missing_label | violation | a class, property or named individual without rdfs:label / skos:prefLabel |
| multiple_labels | violation | more than one label in one language |
| duplicate_label | violation | two classes (or two properties, or two individuals) share a label |
| missing_definition | warning | a class or property without skos:definition / rdfs:comment |
| label_whitespace | violation | a label with leading or trailing whitespace |
| missing_ontology_title / _license / _description | warning | the owl:Ontology header lacks it |
| undeclared_term | violation | the data uses a property or class the ontology does not declare |
| shape_undeclared_term | violation | a shape targets, constrains or walks a term the ontology does not declare |
| class_without_shape | warning | the data has instances of a class that no shape targets |

The label and definition rules judge the project's own terms only (``[checks] base_iris``,
default: the ontology's own namespaces), as ROBOT's ``--base-iri`` does: an imported or reused
vocabulary's labels are not the project's to fix. Unlike ROBOT, ``duplicate_label`` compares terms of one kind only: a property ``place`` whose
range is the class ``Place`` is the common OWL idiom, and the two are never confused.

Findings point at the term's line in the ontology or shapes file (see
:mod:`ldpub.turtle_lines`), or at the first record that uses it.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Callable, Iterable

from .errors import Location
from .rdfterms import DCT, OWL, RDF, RDF_TYPE, RDFS, SH, SKOS, XSD
from .report import Finding

__all__ = ["ontology_findings", "RULES"]

LABELS = (RDFS + "label", SKOS + "prefLabel")
DEFINITIONS = (SKOS + "definition", RDFS + "comment")
TERM_TYPES = {
    OWL + "Class": "class", RDFS + "Class": "class",
    OWL + "ObjectProperty": "property", OWL + "DatatypeProperty": "property",
    OWL + "AnnotationProperty": "property", RDF + "Property": "property",
}
BUILT_IN = (RDF, RDFS, OWL, XSD, SH)
SHAPE_TERM_PREDICATES = tuple(SH + p for p in (
    "path", "targetClass", "class", "targetSubjectsOf", "targetObjectsOf", "inversePath",
    "zeroOrMorePath", "oneOrMorePath", "zeroOrOnePath",
))

RULES: dict[str, str] = {
    "missing_label": "violation",
    "multiple_labels": "violation",
    "duplicate_label": "violation",
    "label_whitespace": "violation",
    "missing_definition": "warning",
    "missing_ontology_title": "warning",
    "missing_ontology_license": "warning",
    "missing_ontology_description": "warning",
    "undeclared_term": "violation",
    "shape_undeclared_term": "violation",
    "class_without_shape": "warning",
}


class _Graph:
    """A tiny index over a list of pyoxigraph triples (subject/predicate -> objects)."""

    def __init__(self, triples: Iterable) -> None:
        self.sp: dict[tuple[str, str], list] = defaultdict(list)
        self.po: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.triples = list(triples)
        for t in self.triples:
            s, p = t.subject.value, t.predicate.value
            self.sp[(s, p)].append(t.object)
            if type(t.object).__name__ == "NamedNode":
                self.po[(p, t.object.value)].append(s)

    def objects(self, s: str, p: str) -> list:
        return self.sp.get((s, p), [])

    def subjects(self, p: str, o: str) -> list[str]:
        return self.po.get((p, o), [])


class _Context:
    def __init__(self, build) -> None:
        from .turtle_lines import index_turtle
        self.build = build
        self.vocab = build.vocab
        root = build.project.root
        self.onto = _Graph(build.ontology_triples)
        self.shapes = _Graph(build.shape_triples)
        self.onto_index = index_turtle(build.vocab.files, root)
        shape_files = sorted(build.project.shapes_path.glob("*.ttl"))
        self.shape_index = index_turtle(shape_files, root)
        self.base_iris = base_iris(build.project, build.vocab)
        self.terms: dict[str, str] = {}  # IRI -> "class" / "property" / "individual"
        for t in self.onto.triples:
            if t.predicate.value == RDF_TYPE and type(t.subject).__name__ == "NamedNode":
                kind = TERM_TYPES.get(t.object.value)
                if kind:
                    self.terms.setdefault(t.subject.value, kind)
        class_iris = {i for i, k in self.terms.items() if k == "class"}
        for t in self.onto.triples:
            if (t.predicate.value == RDF_TYPE and t.object.value in class_iris
                    and type(t.subject).__name__ == "NamedNode"):
                self.terms.setdefault(t.subject.value, "individual")

    def declared(self, iri: str) -> bool:
        return iri in self.terms or iri.startswith(BUILT_IN)

    def where(self, iri: str) -> Location:
        return self.onto_index.locate(iri) or Location(str(self.vocab.files[0].relative_to(self.build.project.root))
                                                        if self.vocab.files[0].is_relative_to(self.build.project.root)
                                                        else str(self.vocab.files[0]))

    def name(self, iri: str) -> str:
        return self.vocab.curie(iri)

    def finding(self, rule: str, message: str, location: Location, iri: str | None = None,
                hint: str | None = None, value: str | None = None) -> Finding:
        return Finding(RULES[rule], message, location, focus=iri, value=value, rule=rule, check="ontology", hint=hint)


def _own_terms(ctx: _Context, kinds=("class", "property", "individual")) -> list[str]:
    """The terms whose labels and definitions are the project's to fix: in its base IRIs."""
    bases = ctx.base_iris
    return sorted(i for i, k in ctx.terms.items() if k in kinds and (not bases or i.startswith(bases)))


def base_iris(project, vocab) -> tuple[str, ...]:
    """The namespaces whose terms the label and definition checks judge, as ROBOT's ``--base-iri``:
    ``[checks] base_iris`` of ldpub.toml, else the ontology's own namespaces (its
    ``ldpub:preferredPrefix``, or the namespace of its IRI); empty: every declared term."""
    from .errors import ConfigError

    given = project.section("checks").get("base_iris")
    if given is None:
        return tuple(vocab.own_namespaces)
    if not isinstance(given, list) or not all(isinstance(b, str) and b.startswith(("http://", "https://", "urn:"))
                                              for b in given):
        raise ConfigError.at("[checks] base_iris must be a list of namespace IRIs, e.g. "
                             '["https://example.org/ontology#"]', project.root / "ldpub.toml")
    return tuple(given)


def check_labels(ctx: _Context) -> list[Finding]:
    out = []
    by_label: dict[tuple[str, str], list[str]] = defaultdict(list)
    for iri in _own_terms(ctx):
        labels = [(p, o) for p in LABELS for o in ctx.onto.objects(iri, p) if type(o).__name__ == "Literal"]
        kind = ctx.terms[iri]
        if not labels:
            out.append(ctx.finding("missing_label", f"{kind} {ctx.name(iri)} has no label", ctx.where(iri), iri,
                                   "add rdfs:label \"...\"@en"))
            continue
        per_lang: dict[tuple[str, str], list[str]] = defaultdict(list)
        for pred, o in labels:
            lang = o.language or ""
            if o.value != o.value.strip():
                out.append(ctx.finding("label_whitespace", f"label of {ctx.name(iri)} has leading or trailing spaces",
                                       ctx.where(iri), iri, value=o.value))
            per_lang[(lang, pred)].append(o.value)
            by_label[(o.value.strip().lower(), lang, kind)].append(iri)
        for (lang, _), values in sorted(per_lang.items()):
            if len(set(values)) > 1:
                out.append(ctx.finding("multiple_labels",
                                       f"{ctx.name(iri)} has {len(set(values))} labels in language '{lang or 'none'}': "
                                       + ", ".join(sorted(set(values))),
                                       ctx.where(iri), iri, "keep one label; move the others to skos:altLabel"))
    for (label, lang, _kind), iris in sorted(by_label.items()):
        iris = sorted(set(iris))
        if len(iris) > 1:
            for iri in iris[1:]:
                out.append(ctx.finding("duplicate_label",
                                       f"{ctx.name(iri)} has the same label '{label}' as {ctx.name(iris[0])}",
                                       ctx.where(iri), iri, "give each term a label of its own", value=label))
    return out


def check_definitions(ctx: _Context) -> list[Finding]:
    out = []
    for iri in _own_terms(ctx, ("class", "property")):
        if not any(ctx.onto.objects(iri, p) for p in DEFINITIONS):
            out.append(ctx.finding("missing_definition", f"{ctx.terms[iri]} {ctx.name(iri)} has no definition",
                                   ctx.where(iri), iri, "add skos:definition \"...\"@en"))
    return out


def check_header(ctx: _Context) -> list[Finding]:
    """The owl:Ontology header of the project's own ontology (an imported one's is not the project's to fix)."""
    bases = ctx.base_iris
    heads = sorted({s for s in ctx.onto.subjects(RDF_TYPE, OWL + "Ontology")})
    if bases:
        heads = [iri for iri in heads if iri.startswith(bases) or (iri + "#").startswith(bases)
                 or (iri + "/").startswith(bases)]
    else:
        heads = [ctx.vocab.ontology_iri] if ctx.vocab.ontology_iri else []
    out = []
    for iri in heads:
        for rule, preds, what in (
            ("missing_ontology_title", (DCT + "title", RDFS + "label"), "a title (dct:title)"),
            ("missing_ontology_license", (DCT + "license",), "a licence (dct:license)"),
            ("missing_ontology_description", (DCT + "description", RDFS + "comment"), "a description (dct:description)"),
        ):
            if not any(ctx.onto.objects(iri, p) for p in preds):
                out.append(ctx.finding(rule, f"the ontology header lacks {what}", ctx.where(iri), iri))
    return out


def check_data_terms(ctx: _Context) -> list[Finding]:
    """Properties and classes the data uses must be declared; instances need a shape."""
    out = []
    # one pass over the N-Triples lines; the source map (made again in a parallel build) is
    # consulted only for the few terms that get a finding
    first_use: dict[str, tuple[str, str | None]] = {}  # term -> (subject, predicate) of its first use
    used_classes: dict[str, str] = {}  # class -> first subject typed with it
    rdf_type, predicates_seen = f"<{RDF_TYPE}>", set()
    for line in ctx.build.lines:
        s, p, o = line.split(" ", 2)
        if p == rdf_type:
            if o[0] == "<" and o not in used_classes:
                used_classes[o] = s
                if not ctx.declared(o[1:-1]):
                    first_use.setdefault(o[1:-1], (s, p[1:-1]))
        elif p not in predicates_seen:
            predicates_seen.add(p)
            if not ctx.declared(p[1:-1]):
                first_use.setdefault(p[1:-1], (s, p[1:-1]))

    def where(subject: str, predicate: str | None) -> Location:
        node = subject[1:-1] if subject[0] == "<" else subject[2:]
        return ctx.build.mapped.source_map.locate(node, predicate) or Location()

    for iri, (subject, predicate) in sorted(first_use.items()):
        out.append(ctx.finding("undeclared_term", f"the data uses {ctx.name(iri)}, which the ontology does not declare",
                               where(subject, predicate), iri, "declare it in the ontology or fix the record"))
    targeted = {t.object.value for t in ctx.shapes.triples if t.predicate.value == SH + "targetClass"}
    targeted |= {t.subject.value for t in ctx.shapes.triples
                 if t.predicate.value == RDF_TYPE and t.object.value == SH + "NodeShape"
                 and ctx.terms.get(t.subject.value) == "class"}
    supers = _superclasses(ctx)
    untargeted = {cls: subject for cls, subject in ((o[1:-1], s) for o, s in used_classes.items())
                  if ctx.declared(cls) and not cls.startswith(BUILT_IN)
                  and not ({cls} | supers.get(cls, set())) & targeted}
    reached = _classes_the_shapes_reach(ctx, untargeted) if untargeted else set()
    for cls, subject in sorted(untargeted.items()):
        if cls not in reached:
            out.append(ctx.finding("class_without_shape",
                                   f"records of class {ctx.name(cls)} are not checked by any shape",
                                   where(subject, None), cls, f"add a sh:NodeShape with sh:targetClass {ctx.name(cls)}"))
    return out


def _classes_the_shapes_reach(ctx: _Context, classes: dict[str, str]) -> set[str]:
    """Those of ``classes`` with an instance that some shape validates: a focus node of any
    target, or a value node reached through sh:property, sh:node, sh:and ... (one validation
    run that notes the nodes it looks at; only when sh:targetClass alone leaves classes out)."""
    from .shacl import validate_lines
    from .shacl.errors import ShapesError

    observed: set[str] = set()
    try:
        validate_lines(ctx.build.lines, ctx.shapes.triples, [str(t) for t in ctx.onto.triples], first_unique=True,
                       observed=observed)
    except ShapesError:
        return set()  # the SHACL check reports the shapes' problem
    wanted = {f"<{cls}>": cls for cls in classes}
    rdf_type = f"<{RDF_TYPE}>"
    reached = set()
    for line in ctx.build.lines:
        s, p, o = line.split(" ", 2)
        if p == rdf_type and o in wanted and s in observed:
            reached.add(wanted[o])
    return reached


def _superclasses(ctx: _Context) -> dict[str, set[str]]:
    direct: dict[str, set[str]] = defaultdict(set)
    for t in ctx.onto.triples:
        if t.predicate.value == RDFS + "subClassOf" and type(t.object).__name__ == "NamedNode":
            direct[t.subject.value].add(t.object.value)
    closure = {}
    for cls in list(direct):
        seen, todo = set(), list(direct[cls])
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(direct.get(c, ()))
        closure[cls] = seen
    return closure


def check_shape_terms(ctx: _Context) -> list[Finding]:
    """Every term a shape targets, constrains or walks must be declared by the ontology."""
    used: set[str] = set()
    path_nodes: list = []
    for t in ctx.shapes.triples:
        if t.predicate.value in SHAPE_TERM_PREDICATES:
            if type(t.object).__name__ == "NamedNode":
                used.add(t.object.value)
            else:
                path_nodes.append(t.object.value)
    # walk blank-node paths (sequences, alternatives) for the IRIs inside them
    seen = set()
    while path_nodes:
        node = path_nodes.pop()
        if node in seen:
            continue
        seen.add(node)
        for t in ctx.shapes.triples:
            if t.subject.value == node and type(t.subject).__name__ == "BlankNode":
                if type(t.object).__name__ == "NamedNode" and t.predicate.value != RDF + "rest":
                    used.add(t.object.value)
                elif type(t.object).__name__ == "BlankNode":
                    path_nodes.append(t.object.value)
    out = []
    for iri in sorted(used):
        if iri == RDF + "nil" or ctx.declared(iri):
            continue
        from .errors import did_you_mean

        local = iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        names = {k.rsplit("#", 1)[-1].rsplit("/", 1)[-1]: k for k in ctx.terms}
        hint = did_you_mean(local, list(names))
        loc = ctx.shape_index.locate(iri) or Location()
        out.append(ctx.finding("shape_undeclared_term",
                               f"shape refers to {ctx.name(iri)}, which the ontology does not declare",
                               loc, iri, hint or "declare it in the ontology or fix the shape"))
    return out


CHECKS: tuple[Callable[[_Context], list[Finding]], ...] = (
    check_labels, check_definitions, check_header, check_data_terms, check_shape_terms,
)


def ontology_findings(build) -> list[Finding]:
    """Run every ontology quality check on a compiled build."""
    ctx = _Context(build)
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(ctx))
    return sorted(set(findings), key=Finding.sort_key)
