"""The network of groups and persons: extracted from the data, laid out by networkx, drawn as SVG.

Edges come from the records: pledges (pledger -> pledgee), positions (holder -> organization),
relations between agents (from -> to) and parent organizations. The layout is networkx's
Kamada-Kawai layout, one per connected component (deterministic: it starts from a circular
layout of the sorted nodes); coordinates are rounded so the SVG is byte-identical run to run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

__all__ = ["Network", "NetworkNode", "NetworkEdge", "extract_network", "render_svg", "EDGE_KINDS"]

AG = "https://w3id.org/ldpub/ontology/armed-groups#"
SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"

# edge kind -> (colour, legend label, dashed)
EDGE_KINDS = {
    "pledge": ("#b3361b", "pledge of allegiance", False),
    "position": ("#2563a6", "position held", False),
    "relation": ("#5b8c2a", "relation between groups", True),
    "part-of": ("#7a7a7a", "part of", True),
}
NODE_KINDS = {"person": "#f4d7a1", "armed-group": "#e8a598", "organization": "#b9d3ee"}


@dataclass(frozen=True)
class NetworkNode:
    iri: str
    label: str
    kind: str  # person, armed-group, organization


@dataclass(frozen=True)
class NetworkEdge:
    source: str
    target: str
    kind: str
    label: str
    record: str  # the IRI of the statement that gives this edge


@dataclass
class Network:
    nodes: list[NetworkNode] = field(default_factory=list)
    edges: list[NetworkEdge] = field(default_factory=list)


# kind -> (SPARQL pattern binding ?record ?s ?o and optional ?label)
_EDGE_QUERIES = {
    "pledge": "?record a/rdfs:subClassOf* ag:Pledge ; ag:pledger ?s ; ag:pledgee ?o . BIND('pledge' AS ?label)",
    "position": """?record a/rdfs:subClassOf* ag:Tenure ; ag:holder ?s ; ag:organization ?o .
                   OPTIONAL { ?record ag:role ?role . OPTIONAL { ?role rdfs:label|skos:prefLabel ?label } }""",
    "relation": """?record ag:relationFrom ?s ; ag:relationTo ?o ; a ?cls .
                   OPTIONAL { ?cls rdfs:label ?label }""",
    "part-of": "?s ag:parentOrganization ?o . BIND(?s AS ?record) BIND('part of' AS ?label)",
}


def extract_network(store, vocab) -> Network:
    """Agents linked by pledges, positions, relations and parent organizations (sorted)."""
    import pyoxigraph as ox

    from ..graphstore import new_store
    from ..rdfterms import RDF_TYPE, RDFS

    person = vocab.subclasses.get(AG + "Person", {AG + "Person"})
    armed = vocab.subclasses.get(AG + "ArmedGroup", {AG + "ArmedGroup"})
    organization = vocab.subclasses.get(AG + "Organization", {AG + "Organization"})
    # the ontology's class hierarchy and labels, so queries can follow rdfs:subClassOf
    schema = [ox.Triple(ox.NamedNode(sub), ox.NamedNode(RDFS + "subClassOf"), ox.NamedNode(sup))
              for sup, subs in vocab.subclasses.items() for sub in subs if sub != sup]
    schema += [ox.Triple(ox.NamedNode(iri), ox.NamedNode(RDFS + "label"), ox.Literal(label))
               for iri, label in vocab.labels.items()]
    work = new_store(schema)
    work.bulk_extend(store.quads_for_pattern(None, None, None))
    prefixes = f"PREFIX ag: <{AG}> PREFIX rdfs: <{RDFS}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    edges = set()
    for kind, pattern in _EDGE_QUERIES.items():
        for row in work.query(prefixes + f"SELECT DISTINCT ?record ?s ?o ?label WHERE {{ {pattern} }}"):
            label = row["label"].value if row["label"] is not None else kind
            if kind == "relation" and label == "relationship":
                continue
            edges.add(NetworkEdge(row["s"].value, row["o"].value, kind, label, row["record"].value))
    # one edge per (source, target, kind, record): keep the first label in sorted order
    unique: dict[tuple, NetworkEdge] = {}
    for edge in sorted(edges, key=lambda e: (e.source, e.target, e.kind, e.record, e.label)):
        unique.setdefault((edge.source, edge.target, edge.kind, edge.record), edge)

    def kind_of(iri: str) -> str | None:
        types = {q.object.value for q in store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(RDF_TYPE), None)}
        if types & person:
            return "person"
        if types & armed:
            return "armed-group"
        if types & organization:
            return "organization"
        return None

    def label_of(iri: str) -> str:
        for q in store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(SKOS_PREF), None):
            return q.object.value
        return iri.rsplit("/", 1)[-1]

    nodes: dict[str, NetworkNode] = {}
    kept = []
    for edge in unique.values():
        ends = [(iri, kind_of(iri)) for iri in (edge.source, edge.target)]
        if any(k is None for _, k in ends):
            continue
        for iri, kind in ends:
            nodes.setdefault(iri, NetworkNode(iri, label_of(iri), kind))
        kept.append(edge)
    return Network(sorted(nodes.values(), key=lambda n: n.iri), kept)


def _component_layout(graph) -> dict[str, tuple[float, float]]:
    """Kamada-Kawai layout of one connected component, normalised to the unit square."""
    import networkx as nx

    nodes = sorted(graph.nodes)
    if len(nodes) == 1:
        return {nodes[0]: (0.5, 0.5)}
    if len(nodes) == 2:
        return {nodes[0]: (0.5, 0.0), nodes[1]: (0.5, 1.0)}
    ordered = nx.Graph()
    ordered.add_nodes_from(nodes)
    ordered.add_edges_from(sorted(tuple(sorted(e)) for e in graph.edges))
    pos = nx.kamada_kawai_layout(ordered, pos=nx.circular_layout(ordered))
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return {n: ((p[0] - min(xs)) / span_x, (p[1] - min(ys)) / span_y) for n, p in pos.items()}


def _layout(network: Network) -> dict[str, tuple[float, float]]:
    """Positions in the unit square: the largest component on the left, smaller ones stacked right.

    Each connected component gets its own Kamada-Kawai layout (deterministic: it starts from a
    circular layout of the sorted nodes), so small separate groups do not squash the main one.
    """
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(n.iri for n in network.nodes)
    graph.add_edges_from((e.source, e.target) for e in network.edges)
    if graph.number_of_nodes() == 0:
        return {}
    components = sorted((sorted(c) for c in nx.connected_components(graph)), key=lambda c: (-len(c), c[0]))
    main, rest = components[0], components[1:]
    main_width = 1.0 if not rest else 0.76
    pos = {n: (x * main_width, y) for n, (x, y) in _component_layout(graph.subgraph(main)).items()}
    if rest:
        total = sum(len(c) + 1 for c in rest)
        top = 0.0
        for component in rest:
            height = (len(component) + 1) / total
            inner = _component_layout(graph.subgraph(component))
            for n, (x, y) in inner.items():
                pos[n] = (0.84 + x * 0.16, top + height * (0.2 + 0.6 * y))
            top += height
    return {n: (round(x, 4), round(y, 4)) for n, (x, y) in pos.items()}


def _spread(pos: dict[str, tuple[float, float]], width: float, height: float, radius: dict[str, float],
            rounds: int = 60) -> dict[str, tuple[float, float]]:
    """Push apart nodes closer than 40 px plus twice their radii (deterministic rounds), inside the box."""
    names = sorted(pos)
    xy = {n: [pos[n][0] * width, pos[n][1] * height] for n in names}
    for _ in range(rounds):
        moved = False
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                dx, dy = xy[b][0] - xy[a][0], xy[b][1] - xy[a][1]
                dist = math.hypot(dx, dy)
                gap = 40 + 2 * (radius[a] + radius[b])
                if dist >= gap:
                    continue
                if dist < 1e-6:
                    dx, dy, dist = 1.0, 0.0, 1.0
                push = (gap - dist) / 2
                ux, uy = dx / dist * push, dy / dist * push
                xy[a][0] -= ux
                xy[a][1] -= uy
                xy[b][0] += ux
                xy[b][1] += uy
                moved = True
        for n in names:
            xy[n][0] = min(max(xy[n][0], 0.0), width)
            xy[n][1] = min(max(xy[n][1], 0.0), height)
        if not moved:
            break
    return {n: (round(xy[n][0] / width, 4), round(xy[n][1] / height, 4)) for n in names}


def render_svg(network: Network, width: int = 960, height: int = 700, title: str = "Network of groups and persons") -> str:
    """A standalone SVG picture of the network: nodes coloured by kind, edges by kind, a legend."""
    margin_x, margin_y, legend_h = 110, 40, 34
    inner_w, inner_h = width - 2 * margin_x, height - 2 * margin_y - legend_h
    degree: dict[str, int] = {}
    for edge in network.edges:
        degree[edge.source] = degree.get(edge.source, 0) + 1
        degree[edge.target] = degree.get(edge.target, 0) + 1
    radius = {n.iri: round(7 + min(degree.get(n.iri, 0), 16) * 0.6, 1) for n in network.nodes}
    pos = _spread(_layout(network), inner_w, inner_h, radius)

    labels = {n.iri: n.label for n in network.nodes}

    def xy(iri: str) -> tuple[float, float]:
        x, y = pos[iri]
        return round(margin_x + x * inner_w, 1), round(margin_y + legend_h + y * inner_h, 1)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-labelledby="network-title" class="network" font-family="system-ui, -apple-system, Segoe UI, sans-serif">',
        f'<title id="network-title">{escape(title)}</title>',
        "<defs>",
    ]
    for kind, (colour, _, _) in EDGE_KINDS.items():
        out.append(f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" '
                   f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>')
    out.append("</defs>")
    out.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fcfcfa"/>')
    # legend
    x = 16
    for kind, (colour, text, dashed) in EDGE_KINDS.items():
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        out.append(f'<line x1="{x}" y1="20" x2="{x + 26}" y2="20" stroke="{colour}" stroke-width="2"{dash} marker-end="url(#arrow-{kind})"/>')
        out.append(f'<text x="{x + 32}" y="24" font-size="12" fill="#333">{escape(text)}</text>')
        x += 44 + 7 * len(text)
    for kind, colour in NODE_KINDS.items():
        out.append(f'<circle cx="{x + 6}" cy="20" r="6" fill="{colour}" stroke="#555"/>')
        out.append(f'<text x="{x + 16}" y="24" font-size="12" fill="#333">{escape(kind.replace("-", " "))}</text>')
        x += 30 + 7 * len(kind)
    # edges: one line per (source, target, kind), thicker when several statements give it;
    # lines between the same two nodes are bent apart
    grouped: dict[tuple[str, str, str], list[NetworkEdge]] = {}
    for edge in network.edges:
        grouped.setdefault((edge.source, edge.target, edge.kind), []).append(edge)
    seen: dict[tuple[str, str], int] = {}
    out.append('<g class="edges">')
    for (source, target, kind), group in grouped.items():
        colour, _, dashed = EDGE_KINDS[kind]
        (x1, y1), (x2, y2) = xy(source), xy(target)
        pair = tuple(sorted((source, target)))
        nth = seen.get(pair, 0)
        seen[pair] = nth + 1
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        r = radius[target] + 1
        x2s, y2s = x2 - (x2 - x1) * r / length, y2 - (y2 - y1) * r / length
        bend = ((nth + 1) // 2) * 26 * (1 if nth % 2 else -1) if nth else 0
        if source > target:
            bend = -bend  # the same side whichever way the line runs
        mx, my = (x1 + x2s) / 2 - (y2 - y1) / length * bend, (y1 + y2s) / 2 + (x2 - x1) / length * bend
        dash = ' stroke-dasharray="5 3"' if dashed else ""
        counts: dict[str, int] = {}
        for edge in group:
            counts[edge.label] = counts.get(edge.label, 0) + 1
        what = ", ".join(f"{label} \u00d7{n}" if n > 1 else label for label, n in sorted(counts.items()))
        stroke = round(1.6 + 0.7 * (len(group) - 1), 1)
        out.append(f'<path class="edge edge-{kind}" data-statements="{len(group)}" '
                   f'd="M{x1},{y1} Q{round(mx, 1)},{round(my, 1)} {round(x2s, 1)},{round(y2s, 1)}" '
                   f'fill="none" stroke="{colour}" stroke-width="{stroke}" stroke-opacity="0.8"{dash} marker-end="url(#arrow-{kind})">'
                   f"<title>{escape(labels[source])} \u2192 {escape(labels[target])}: {escape(what)}</title></path>")
    out.append("</g>")
    out.append('<g class="nodes">')
    for node in network.nodes:
        x, y = xy(node.iri)
        anchor = "start" if x < width / 2 else "end"
        dx = radius[node.iri] + 4 if anchor == "start" else -radius[node.iri] - 4
        out.append(f'<g class="node node-{node.kind}" data-iri="{escape(node.iri)}">'
                   f'<circle cx="{x}" cy="{y}" r="{radius[node.iri]}" fill="{NODE_KINDS[node.kind]}" stroke="#444" stroke-width="1.2">'
                   f"<title>{escape(node.label)}</title></circle>"
                   f'<text x="{round(x + dx, 1)}" y="{round(y + 4, 1)}" font-size="13" text-anchor="{anchor}" fill="#1d1d1d" '
                   f'paint-order="stroke" stroke="#fcfcfa" stroke-width="3">{escape(_clip(node.label))}</text></g>')
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _clip(label: str, limit: int = 30) -> str:
    """Long labels are cut at a word boundary (the full label is the node's tooltip)."""
    if len(label) <= limit:
        return label
    return label[:limit].rsplit(" ", 1)[0].rstrip(",;:(") + "\u2026"


def _short(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]
