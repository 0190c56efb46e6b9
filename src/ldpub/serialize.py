"""Output formats as a registry, with deterministic writers.

Each :class:`RdfFormat` has a name, aliases, a media type, a file extension and a writer.
Writers take triples already in a stable order (:func:`ldpub.graphstore.sorted_triples`) and
return bytes, so the same input gives byte-identical files.

* Turtle and N-Triples are written by pyoxigraph (fast, streaming) from sorted triples.
* JSON-LD is written compacted with the ontology-derived context (:mod:`ldpub.context`):
  ldpub emits the compact form directly, node by node in subject order, because general
  JSON-LD compaction (pyld, rdflib) is slow and its output order is not stable.

JSON-LD values a web developer can use: an ``xsd:boolean`` or ``xsd:integer`` literal whose
lexical form is canonical is written as a JSON ``true``/``false`` or number, as JSON-LD's
``useNativeTypes`` would read it, but only where that is lossless: the JSON-LD to RDF algorithm
turns ``true`` back into ``"true"^^xsd:boolean`` and an integral number into its canonical
``xsd:integer`` form, so only canonical forms (``false``, ``42``, ``-7``; not ``1``/``0`` as
booleans, ``+5``, ``007`` or ``-0``) round-trip. Integers beyond 2^53 - 1 stay strings (a
JavaScript number cannot hold them exactly), and so do ``xsd:decimal`` (a JSON number would
come back as ``xsd:double``), ``xsd:double`` and every other datatype: ``{"@value": "2.50",
"@type": "xsd:decimal"}``. A native value under a term coerced to another datatype is written
as ``{"@value": 42}`` (a value object is not coerced). ``tests/test_jsonld_web.py`` checks with
pyld that the JSON-LD gives back exactly the N-Triples.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Callable, Iterable

from .rdfterms import RDF_TYPE, XSD

__all__ = ["RdfFormat", "FORMATS", "get_format", "WriteContext", "write_jsonld", "JsonLdWriter", "stream_writer",
           "native_value"]

_BOOLEAN, _INTEGER = XSD + "boolean", XSD + "integer"
_CANONICAL_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,15})")
MAX_SAFE_INTEGER = 2**53 - 1  # JavaScript's Number.MAX_SAFE_INTEGER


def native_value(lexical: str, datatype: str) -> bool | int | None:
    """The JSON value that stands for a literal losslessly (see the module docstring), else None.

    >>> native_value("false", XSD + "boolean"), native_value("42", XSD + "integer"), native_value("042", XSD + "integer")
    (False, 42, None)
    """
    if datatype == _BOOLEAN:
        return {"true": True, "false": False}.get(lexical)
    if datatype == _INTEGER and lexical != "-0" and _CANONICAL_INTEGER.fullmatch(lexical):
        number = int(lexical)
        return number if -MAX_SAFE_INTEGER <= number <= MAX_SAFE_INTEGER else None
    return None


@dataclass(frozen=True)
class WriteContext:
    """What writers need besides the triples: prefixes and the JSON-LD context."""

    prefixes: dict[str, str]
    jsonld_context: dict = field(default_factory=dict)
    jsonld_context_url: str | None = None  # JSON-LD names its context by this URL instead of inlining it


@dataclass(frozen=True)
class RdfFormat:
    name: str
    aliases: tuple[str, ...]
    media_type: str
    extension: str
    writer: Callable[[list, WriteContext], bytes]


def _turtle(triples: list, ctx: WriteContext) -> bytes:
    import pyoxigraph as ox

    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=ctx.prefixes)


def _ntriples(triples: list, ctx: WriteContext) -> bytes:
    import pyoxigraph as ox

    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)


def _rdfxml(triples: list, ctx: WriteContext) -> bytes:
    import pyoxigraph as ox

    return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=ctx.prefixes)


class _Compactor:
    """Compacts IRIs and values against a context built by :func:`ldpub.context.build_context`."""

    def __init__(self, context: dict) -> None:
        self.prefixes = sorted(
            ((k, v) for k, v in context.items() if isinstance(v, str) and not k.startswith("@") and v.endswith(("/", "#"))),
            key=lambda kv: -len(kv[1]),
        )
        self.terms: dict[str, tuple[str, dict]] = {}
        self.classes: dict[str, str] = {}
        for key, value in context.items():
            if key.startswith("@") or key in ("id", "type"):
                continue
            if isinstance(value, dict):
                self.terms[self.expand(value["@id"])] = (key, value)
            elif isinstance(value, str) and not value.endswith(("/", "#")):
                self.classes[self.expand(value)] = key
        self._expanded_types = {key: self.expand(d.get("@type", "")) for key, d in self.terms.values()}
        self._namespaces = {ns: prefix for prefix, ns in reversed(self.prefixes)}  # longest wins on ties
        self._memo: dict[str, str] = {}
        self.id_key = "id" if context.get("id") == "@id" else "@id"  # references as {"id": ...} where the context says so

    def expand(self, curie: str) -> str:
        if ":" in curie:
            prefix, local = curie.split(":", 1)
            for p, ns in self.prefixes:
                if p == prefix:
                    return ns + local
        return curie

    def compact(self, iri: str) -> str:
        """``prefix:local`` for the longest namespace the IRI starts with (namespaces end in / or #)."""
        namespaces = self._namespaces
        end = len(iri) - 1  # the local part must not be empty
        while end > 0:
            cut = max(iri.rfind("/", 0, end), iri.rfind("#", 0, end))
            if cut < 0:
                break
            prefix = namespaces.get(iri[: cut + 1])
            if prefix is not None:
                return f"{prefix}:{iri[cut + 1:]}"
            end = cut
        return iri

    def compact_memo(self, iri: str) -> str:
        """:meth:`compact` remembered: for IRIs that repeat (predicates, classes, references)."""
        hit = self._memo.get(iri)
        if hit is None:
            hit = self._memo[iri] = self.compact(iri)
        return hit

    def value(self, obj, key: str | None, definition: dict | None):
        """The JSON-LD value of a pyoxigraph term."""
        ox = _OX or _ox()
        if isinstance(obj, ox.NamedNode):
            return self.iri_value(obj.value, definition)
        if isinstance(obj, ox.BlankNode):
            return {self.id_key: f"_:{obj.value}"}
        return self.literal_value(obj.value, obj.language, obj.datatype.value, key, definition)

    def text_value(self, text: str, key: str | None, definition: dict | None):
        """The JSON-LD value of a term in N-Triples text (``<iri>``, ``_:b``, ``"literal"...``)."""
        first = text[0]
        if first == "<":
            return self.iri_value(text[1:-1], definition)
        if first == "_":
            return {self.id_key: text}
        from .ntriples import parse_literal

        lexical, datatype, lang = parse_literal(text)
        return self.literal_value(lexical, lang, datatype, key, definition)

    def iri_value(self, iri: str, definition: dict | None):
        if definition and definition.get("@type") == "@id":
            return self.compact_memo(iri)
        return {self.id_key: self.compact_memo(iri)}

    def literal_value(self, lexical: str, lang: str | None, datatype: str, key: str | None, definition: dict | None):
        if not lang and (datatype == _BOOLEAN or datatype == _INTEGER):
            native = native_value(lexical, datatype)
            if native is not None:
                coerced = definition.get("@type") if definition is not None else None
                if coerced is None or coerced == "@id" or self._expanded_types[key] == datatype:
                    return native
                return {"@value": native}  # a value object is not coerced to the term's other datatype
        if definition is not None:
            if lang and definition.get("@language") == lang:
                return lexical
            if not lang and "@type" in definition and definition["@type"] != "@id" and self._expanded_types[key] == datatype:
                return lexical
            if not lang and datatype == XSD + "string" and "@type" not in definition and "@language" not in definition:
                return lexical
        elif not lang and datatype == XSD + "string":
            return lexical
        if lang:
            return {"@value": lexical, "@language": lang}
        if datatype == XSD + "string":
            return {"@value": lexical}
        return {"@value": lexical, "@type": self.compact_memo(datatype)}


def write_jsonld(triples: Iterable, context: dict, context_url: str | None = None) -> bytes:
    """Compacted JSON-LD (``@context`` inline, or ``context_url`` when given; one node object per
    subject, ``@graph`` array)."""
    writer = JsonLdWriter(context, context_url=context_url)
    writer.feed(triples)
    return writer.finish()


class JsonLdWriter:
    """Compacted JSON-LD written incrementally: :meth:`feed` triples (sorted by subject) in any
    number of batches, then :meth:`finish` for the bytes. A node may span batches.

    ``continuation=True`` writes only node objects that continue another writer's graph (each
    preceded by a comma): ``first.finish(footer=False) + rest.finish(footer=False) + FOOTER`` is
    the document of both parts, when the parts split the triples between two subjects.
    """

    FOOTER = b"\n  ]\n}\n"

    def __init__(self, context: dict, continuation: bool = False, context_url: str | None = None) -> None:
        self.comp = _Compactor(context)
        self.encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
        # bytes per node: the text of a large graph is never held twice (as str and as bytes)
        named = json.dumps(context_url) if context_url else _indent(json.dumps(context, indent=2, ensure_ascii=False))
        self.chunks = [b"" if continuation else ('{\n  "@context": ' + named + ',\n  "@graph": [').encode("utf-8")]
        self.continuation = continuation
        self.predicate_names: dict[str, tuple] = {}  # predicate IRI -> (name, term key, definition)
        self.subject = None
        self.pairs: list = []

    def feed(self, triples: Iterable) -> None:
        subject, pairs, flush = self.subject, self.pairs, self._node
        for t in triples:
            s = t.subject
            if s != subject:
                if subject is not None:
                    flush(subject, pairs)
                subject, pairs = s, []
            pairs.append((t.predicate, t.object))
        self.subject, self.pairs = subject, pairs

    def feed_lines(self, lines: Iterable[str]) -> None:
        """Like :meth:`feed`, from N-Triples lines (see :mod:`ldpub.ntriples`): no term objects."""
        if self.subject is not None and not isinstance(self.subject, str):
            raise ValueError("feed_lines after feed: feed one kind of input")
        subject, pairs, flush = self.subject, self.pairs, self._text_node
        for line in lines:
            s, p, o = line.split(" ", 2)
            if s != subject:
                if subject is not None:
                    flush(subject, pairs)
                subject, pairs = s, []
            pairs.append((p, o))
        self.subject, self.pairs = subject, pairs

    def finish(self, footer: bool = True) -> bytes:
        """The bytes written (with the closing of the graph and the document, unless ``footer=False``)."""
        if self.subject is not None:
            (self._text_node if isinstance(self.subject, str) else self._node)(self.subject, self.pairs)
            self.subject, self.pairs = None, []
        if footer:
            self.chunks.append(self.FOOTER)
        return b"".join(self.chunks)

    def _text_node(self, subject: str, pairs: list) -> None:
        comp, predicate_names, value = self.comp, self.predicate_names, self.comp.text_value
        node: dict = {"id": comp.compact(subject[1:-1]) if subject[0] == "<" else subject}
        types = []
        props: dict[str, list] = {}
        rdf_type = self._rdf_type_text
        for p, o in pairs:
            if p == rdf_type:
                iri = o[1:-1]
                types.append(comp.classes.get(iri) or comp.compact_memo(iri))
                continue
            named = predicate_names.get(p)
            if named is None:
                piri = p[1:-1]
                key, definition = comp.terms.get(piri, (None, None))
                named = predicate_names[p] = (key or comp.compact(piri), key, definition)
            name, key, definition = named
            values = props.get(name)
            if values is None:
                props[name] = [value(o, key, definition)]
            else:
                values.append(value(o, key, definition))
        self._emit(node, types, props)

    _rdf_type_text = f"<{RDF_TYPE}>"

    def _emit(self, node: dict, types: list, props: dict) -> None:
        if types:
            node["type"] = types[0] if len(types) == 1 else sorted(types)
        for name in sorted(props):
            values = props[name]
            node[name] = values[0] if len(values) == 1 else values
        first = len(self.chunks) == 1 and not self.continuation
        self.chunks.append((("\n    " if first else ",\n    ") + self.encode(node)).encode("utf-8"))

    def _node(self, subject, pairs: list) -> None:
        comp, predicate_names = self.comp, self.predicate_names
        blank = _ox().BlankNode
        node: dict = {"id": comp.compact(subject.value) if not isinstance(subject, blank) else f"_:{subject.value}"}
        types = []
        props: dict[str, list] = {}
        for p, o in pairs:
            piri = p.value
            if piri == RDF_TYPE:
                types.append(comp.classes.get(o.value) or comp.compact_memo(o.value))
                continue
            named = predicate_names.get(piri)
            if named is None:
                key, definition = comp.terms.get(piri, (None, None))
                named = predicate_names[piri] = (key or comp.compact(piri), key, definition)
            name, key, definition = named
            values = props.get(name)
            if values is None:
                props[name] = [comp.value(o, key, definition)]
            else:
                values.append(comp.value(o, key, definition))
        self._emit(node, types, props)


def _indent(text: str) -> str:
    return text.replace("\n", "\n  ")


_OX = None  # pyoxigraph, once imported (it is imported lazily: `ldpub --help` stays fast)


def _ox():
    global _OX
    if _OX is None:
        import pyoxigraph

        _OX = pyoxigraph
    return _OX


def _is_blank(node) -> bool:
    return isinstance(node, _ox().BlankNode)


def _jsonld(triples: list, ctx: WriteContext) -> bytes:
    return write_jsonld(triples, ctx.jsonld_context, ctx.jsonld_context_url)


FORMATS: dict[str, RdfFormat] = {
    f.name: f
    for f in (
        RdfFormat("turtle", ("ttl",), "text/turtle", "ttl", _turtle),
        RdfFormat("ntriples", ("nt", "n-triples"), "application/n-triples", "nt", _ntriples),
        RdfFormat("jsonld", ("json-ld",), "application/ld+json", "jsonld", _jsonld),
        RdfFormat("rdfxml", ("xml", "rdf", "rdf/xml"), "application/rdf+xml", "rdf", _rdfxml),
    )
}


_STREAMED = {"turtle": "TURTLE", "ntriples": "N_TRIPLES"}


def stream_writer(name: str, triples: list, ctx: WriteContext):
    """A function writing ``triples`` in format ``name`` to a path, without the whole file in memory.

    Turtle and N-Triples stream from pyoxigraph straight into the file (the same bytes the
    format's writer returns); other formats are written from their writer's bytes.
    """
    if name in _STREAMED:
        def write(path) -> None:
            import pyoxigraph as ox

            fmt = getattr(ox.RdfFormat, _STREAMED[name])
            ox.serialize(triples, output=str(path), format=fmt, **({"prefixes": ctx.prefixes} if name == "turtle" else {}))

        return write
    return lambda path: path.write_bytes(FORMATS[name].writer(triples, ctx))


def get_format(name: str) -> RdfFormat:
    """Look a format up by name, alias, extension or media type."""
    from .errors import LdpubError, did_you_mean

    wanted = name.lower()
    for fmt in FORMATS.values():
        if wanted in (fmt.name, fmt.extension, fmt.media_type, *fmt.aliases):
            return fmt
    names = [f.name for f in FORMATS.values()]
    raise LdpubError(f"unknown RDF format '{name}' ({did_you_mean(name, names) or 'known: ' + ', '.join(names)})")
