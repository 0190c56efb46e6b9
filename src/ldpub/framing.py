"""The framed JSON-LD view of a dataset: one object per record, its parts and names embedded.

``dataset.jsonld`` is flat: one node object per subject, references as identifiers. A web
page showing a record would have to look up its date node, its excerpts and the name of every
person it mentions. ``dataset.framed.jsonld`` is the same data framed (JSON-LD 1.1 Framing)
so that each record carries them::

    {"id": "d:some-record", "type": "SomeClass", "label": "...",
     "date": {"id": "d:some-record#date", "type": "FuzzyTime", "earliest": "2016-01-01", ...},
     "someRelation": {"id": "d:someone", "type": "Person", "label": "Someone"}, ...}

The frame is derived from the ontology and the project's profile, not written by hand:

* *part classes* are the classes of time nodes (the profile's temporal classes: OWL-Time,
  ``dct:PeriodOfTime``, EDTF expander classes) and of excerpts (the domains of the profile's
  ``quote`` properties), with their subclasses; *part properties* are the object properties
  whose range is a part class, and ``time:hasBeginning``/``time:hasEnd``;
* the frame matches, at the top level, the instances of every other class of the ontology
  (and the release's ``void:Dataset`` header), each in full;
* a part property embeds its node in full (``"@embed": "@always"``); inside it, the
  references the ontology gives the part's class (by ``rdfs:domain``) and the profile's
  ``source`` properties embed identifier, type and labels, and everything else is embedded
  whole (pyld's implicit frame: a time's beginning and end, say). Naming every property in
  every part made a frame of 450 KB on an ontology without domains; this one stays small;
* every other object property embeds only the identifier, type and labels of what it points
  at (``"@explicit": true`` with the profile's label properties the ontology declares).

So every node of the data is shown in full exactly once: a record at the top level, a part
inside the record that links it. :func:`frame_document` writes what pyld's ``frame`` gives for
that frame (``tests/test_jsonld_web.py`` checks it), but directly, in one pass, with the same
deterministic order and native values as ``dataset.jsonld`` (:mod:`ldpub.serialize`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .rdfterms import DCT, RDF_TYPE, RDFS

__all__ = ["FrameSpec", "derive_frame", "frame_json", "frame_document"]

VOID_DATASET = "http://rdfs.org/ns/void#Dataset"


@dataclass
class FrameSpec:
    """The frame in terms of IRIs: top-level classes, and per place the property sub-frames."""

    top_types: list[str]
    labels: list[str]  # label properties embedded with each reference
    props: dict[str, "FrameSpec | None"] = field(default_factory=dict)  # property -> part frame, None: reference
    embed: str = "@once"  # the top level: pyld's default


def _superclasses(vocab, cls: str) -> set[str]:
    return {sup for sup, subs in vocab.subclasses.items() if cls in subs} | {cls}


def derive_frame(vocab, profile, header: bool = True) -> FrameSpec:
    """The frame of a project's data (see the module docstring); ``header``: match a release's
    ``void:Dataset`` licence header too."""
    from .ontology import OBJECT

    quote_domains = {t.domain for t in vocab.properties.values() if t.iri in profile.of("quote") and t.domain}
    part_classes: set[str] = set(profile.temporal_classes)
    for cls in quote_domains:
        part_classes |= vocab.subclasses.get(cls, {cls})
    objects = {t.iri: t for t in vocab.properties.values() if t.kind == OBJECT}
    parts = {iri for iri, t in objects.items() if t.range in part_classes} | (profile.interval_parts & set(objects))
    declared = {t.iri for t in vocab.properties.values()}
    labels = [p for p in profile.labels if p in declared] or [RDFS + "label"]

    sources = profile.of("source")
    part_frame_props: dict[str | None, dict] = {}

    def inside(cls: str | None) -> dict:
        """The frame of a part of class ``cls``: references named by the ontology for that class
        (by ``rdfs:domain``) and its sources; its own parts are left to pyld's implicit frame,
        which embeds them whole (a time's beginning and end, say)."""
        if cls not in part_frame_props:
            allowed = _superclasses(vocab, cls) if cls else set()
            part_frame_props[cls] = {iri: None for iri, term in sorted(objects.items()) if iri not in parts
                                     and ((term.domain and term.domain in allowed) or iri in sources)}
        return part_frame_props[cls]

    top = {iri: (FrameSpec([], labels, inside(objects[iri].range), "@always") if iri in parts else None)
           for iri in sorted(objects)}
    top_types = sorted({t.iri for t in vocab.classes.values()} - part_classes)
    if header:  # the licence header of release data files (ldpub.release.header)
        top_types.append(VOID_DATASET)
        top[DCT + "license"] = None
        top[DCT + "rights"] = FrameSpec([], labels, {}, "@always")
    return FrameSpec(top_types, labels, dict(sorted(top.items())))


def frame_json(spec: FrameSpec, context: dict | str) -> dict:
    """The frame as a JSON-LD document (``frame.jsonld``), with ``context`` (a dict or its URL)."""
    from .serialize import _Compactor

    comp = _Compactor(context if isinstance(context, dict) else {})

    def name(iri: str) -> str:
        term = comp.terms.get(iri)
        return term[0] if term else comp.compact(iri)

    reference = {"@embed": "@always", "@explicit": True, "@id": {}, "@omitDefault": True,
                 **{name(p): {"@omitDefault": True} for p in spec.labels}}

    def body(frame: FrameSpec) -> dict:
        out: dict = {"@embed": "@always", "@id": {}, "@omitDefault": True}
        for iri, sub in frame.props.items():
            out[name(iri)] = reference if sub is None else body(sub)
        return out

    top: dict = {"@context": context, "@type": [comp.classes.get(c) or comp.compact(c) for c in spec.top_types],
                 "@omitDefault": True}
    for iri, sub in spec.props.items():
        top[name(iri)] = reference if sub is None else body(sub)
    return top


def frame_document(triples: list, context: dict, spec: FrameSpec) -> bytes:
    """The framed JSON-LD of ``triples`` (sorted pyoxigraph Triples) with ``context`` inline."""
    import pyoxigraph as ox

    from .serialize import _Compactor

    comp = _Compactor(context)
    graph: dict[str, dict[str, list]] = {}
    types: dict[str, list[str]] = {}
    for t in triples:
        s = t.subject.value if isinstance(t.subject, ox.NamedNode) else "_:" + t.subject.value
        if t.predicate.value == RDF_TYPE:
            types.setdefault(s, []).append(t.object.value)
            graph.setdefault(s, {})
        else:
            graph.setdefault(s, {}).setdefault(t.predicate.value, []).append(t.object)
    names: dict[str, tuple[str, str | None, dict | None]] = {}

    def name(iri: str):
        if iri not in names:
            key, definition = comp.terms.get(iri, (None, None))
            names[iri] = (key or comp.compact(iri), key, definition)
        return names[iri]

    def node_id(term) -> str:
        return term.value if isinstance(term, ox.NamedNode) else "_:" + term.value

    def render(node: str, frame: FrameSpec, explicit: bool, stack: list[str], seen: set[str]) -> dict:
        out: dict = {"id": comp.compact(node) if not node.startswith("_:") else node}
        kinds = types.get(node, [])
        if kinds:
            shown = [comp.classes.get(c) or comp.compact_memo(c) for c in kinds]
            out["type"] = shown[0] if len(shown) == 1 else sorted(shown)
        props: dict[str, list] = {}
        for predicate, objects in sorted(graph.get(node, {}).items()):  # pyld's order: property IRIs sorted
            if explicit and predicate not in frame.labels:
                continue
            shown_name, key, definition = name(predicate)
            values = props.setdefault(shown_name, [])
            for obj in objects:
                if isinstance(obj, ox.Literal):
                    values.append(comp.literal_value(obj.value, obj.language, obj.datatype.value, key, definition))
                    continue
                target = node_id(obj)
                embedded = embed(target, frame.props.get(predicate, _IMPLICIT), frame, stack, seen)
                if set(embedded) == {"id"}:  # a reference: compacted like dataset.jsonld's
                    values.append(comp.iri_value(target, definition) if not target.startswith("_:") else {comp.id_key: target})
                else:
                    values.append(embedded)
        for shown_name in sorted(props):
            values = props[shown_name]
            out[shown_name] = values[0] if len(values) == 1 else values
        return out

    def embed(target: str, sub, parent: FrameSpec, stack: list[str], seen: set[str]) -> dict:
        if target in stack[:-1]:  # pyld: a circular reference is not embedded
            return {"id": target}
        if sub is _IMPLICIT:  # pyld's implicit frame: the parent's flags, every property
            sub = FrameSpec([], [], {}, parent.embed)
        if sub is not None and sub.embed == "@once" and target in seen:
            return {"id": target}
        seen.add(target)
        if sub is None:  # a reference: its identifier, type and labels
            return render(target, FrameSpec([], spec.labels, {}, "@always"), True, [*stack, target], seen)
        return render(target, sub, False, [*stack, target], seen)

    top_types = set(spec.top_types)
    records = sorted(s for s, kinds in types.items() if top_types.intersection(kinds))
    encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    head = '{\n  "@context": ' + json.dumps(context, indent=2, ensure_ascii=False).replace("\n", "\n  ") + ',\n  "@graph": ['
    body = ",".join("\n    " + encode(render(s, spec, False, [s], {s})) for s in records)
    return (head + body + "\n  ]\n}\n").encode("utf-8")


_IMPLICIT = object()  # a property the frame does not name: pyld's implicit frame ("@once")
