"""The network picture: nodes and links extracted from the data as the project's profile says
(:mod:`ldpub.profile`), laid out by stress majorization, drawn as SVG.

Nodes are the instances of the profile's node classes (by default persons, organizations and
other agents of FOAF, W3C ORG, PROV-O and schema.org); links are the profile's edge properties
(subject -> object) and the records of its edge classes (source -> target, e.g. an
``org:Membership`` from its member to its organization, named by its role). Only links between
two nodes are drawn. Each connected component is laid out on its own by stress majorization
(Gansner, Koren and North, "Graph drawing by stress majorization", 2004): it minimises the
same energy as Kamada-Kawai (distances on the page close to path lengths in the graph, pairs
weighted by 1/d^2), with numpy alone, where networkx's Kamada-Kawai needs scipy's optimiser
(importing scipy took a quarter of ``ldpub publish``). It is deterministic: it starts from a
circular layout of the sorted nodes; coordinates are rounded so the SVG is byte-identical run
to run. Every text is escaped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

__all__ = ["Network", "NetworkNode", "NetworkEdge", "KindStyle", "extract_network", "render_svg", "most_specific_first"]

# colours of node kinds and (colour, dashed) of edge kinds, given in the order of the profile's kinds
NODE_COLOURS = ("#e8a598", "#b9d3ee", "#f4d7a1", "#c8e6c9", "#d7c4e8", "#f2e394", "#c9d1d3")
EDGE_STYLES = (("#7a7a7a", True), ("#b3361b", False), ("#5b8c2a", True), ("#2563a6", False),
               ("#8e44ad", True), ("#c27c0e", False), ("#16a085", True), ("#34495e", False))


@dataclass(frozen=True)
class KindStyle:
    """How one kind of node or link is drawn and named in the legend."""

    id: str
    legend: str
    colour: str
    dashed: bool = False


@dataclass(frozen=True)
class NetworkNode:
    iri: str
    label: str
    kind: str  # a KindStyle id


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
    node_kinds: list[KindStyle] = field(default_factory=list)  # those the nodes use, in legend order
    edge_kinds: list[KindStyle] = field(default_factory=list)

    def legend_text(self) -> str:
        """``Nodes: person, organization. Links: member of, knows.`` (empty without nodes)."""
        if not self.nodes:
            return ""
        text = "Nodes: " + ", ".join(k.legend for k in self.node_kinds) + "."
        if self.edge_kinds:
            text += " Links: " + ", ".join(k.legend for k in self.edge_kinds) + "."
        return text


def most_specific_first(kinds) -> list:
    """Node kinds, each before the kinds whose classes are superclasses of its own (an
    org:Organization is an "organization" before it is an "agent" when the ontology declares
    ``org:Organization rdfs:subClassOf foaf:Agent``); otherwise in the profile's order."""
    below = {k.id: sum(k.below(other) for other in kinds if other is not k) for k in kinds}
    return sorted(kinds, key=lambda k: -below[k.id])  # stable: the profile's order among equals


def extract_network(store, profile) -> Network:
    """The nodes and links of ``store``'s default graph that ``profile`` names (sorted)."""
    import pyoxigraph as ox

    from ..rdfterms import RDF_TYPE

    graph = ox.DefaultGraph()
    types: dict[str, set[str]] = {}
    for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), None, graph):
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
            types.setdefault(q.subject.value, set()).add(q.object.value)
    specific_first = most_specific_first(profile.node_kinds)

    def kind_of(iri: str) -> str | None:
        classes = types.get(iri, set())
        return next((k.id for k in specific_first if classes & k.classes), None)

    def objects(subject: str, predicates) -> list:
        node = ox.NamedNode(subject)
        return [q.object for p in sorted(predicates)
                for q in store.quads_for_pattern(node, ox.NamedNode(p), None, graph)]

    def label_of(term) -> str | None:
        if isinstance(term, ox.Literal):
            return term.value
        for p in profile.labels:
            for q in store.quads_for_pattern(term, ox.NamedNode(p), None, graph):
                if isinstance(q.object, ox.Literal):
                    return q.object.value
        return profile.term_labels.get(term.value)

    instances: dict[str, set[str]] = {}
    for iri, classes in types.items():
        for cls in classes:
            instances.setdefault(cls, set()).add(iri)
    edges = set()
    for kind in profile.edge_kinds:
        for record in sorted(set().union(*(instances.get(c, set()) for c in kind.classes))):
            named = [t for t in (label_of(v) for v in objects(record, kind.label)) if t]
            typed = sorted(profile.term_labels.get(c, "") for c in types[record] & kind.classes)
            label = min(named) if named else next((t for t in typed if t), kind.legend)
            undirected = kind.source == kind.target  # both ends by one property (a mutual relation's parties)
            for s in objects(record, kind.source):
                for o in objects(record, kind.target):
                    if isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode) and (
                            not undirected or s.value < o.value):
                        edges.add(NetworkEdge(s.value, o.value, kind.id, label, record))
        for prop in sorted(kind.properties):
            for q in store.quads_for_pattern(None, ox.NamedNode(prop), None, graph):
                if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode):
                    edges.add(NetworkEdge(q.subject.value, q.object.value, kind.id, kind.legend, q.subject.value))
    # one edge per (source, target, kind, record): keep the first label in sorted order
    unique: dict[tuple, NetworkEdge] = {}
    for edge in sorted(edges, key=lambda e: (e.source, e.target, e.kind, e.record, e.label)):
        unique.setdefault((edge.source, edge.target, edge.kind, edge.record), edge)

    nodes: dict[str, NetworkNode] = {}
    kept = []
    for edge in unique.values():
        ends = [(iri, kind_of(iri)) for iri in (edge.source, edge.target)]
        if any(k is None for _, k in ends):
            continue
        for iri, kind in ends:
            if iri not in nodes:
                nodes[iri] = NetworkNode(iri, label_of(ox.NamedNode(iri)) or _short(iri), kind)
        kept.append(edge)
    used_nodes, used_edges = {n.kind for n in nodes.values()}, {e.kind for e in kept}
    node_styles = [KindStyle(k.id, k.legend, NODE_COLOURS[n % len(NODE_COLOURS)])
                   for n, k in enumerate(profile.node_kinds) if k.id in used_nodes]
    edge_styles = [KindStyle(k.id, k.legend, *EDGE_STYLES[n % len(EDGE_STYLES)])
                   for n, k in enumerate(profile.edge_kinds) if k.id in used_edges]
    return Network(sorted(nodes.values(), key=lambda n: n.iri), kept, node_styles, edge_styles)


def _distances(nodes: list[str], neighbours: dict[str, set[str]]) -> list[list[float]]:
    """All shortest path lengths (breadth-first: links count 1) between the nodes of one component."""
    index = {n: i for i, n in enumerate(nodes)}
    rows = []
    for start in nodes:
        row = [0.0] * len(nodes)
        seen, frontier, depth = {start}, [start], 0
        while frontier:
            depth += 1
            following = []
            for node in frontier:
                for other in sorted(neighbours[node]):
                    if other not in seen:
                        seen.add(other)
                        row[index[other]] = float(depth)
                        following.append(other)
            frontier = following
        rows.append(row)
    return rows


def _component_layout(nodes: list[str], neighbours: dict[str, set[str]], rounds: int = 300) -> dict[str, tuple[float, float]]:
    """Stress-majorization layout of one connected component (sorted ``nodes``), in the unit square."""
    import numpy as np

    if len(nodes) == 1:
        return {nodes[0]: (0.5, 0.5)}
    if len(nodes) == 2:
        return {nodes[0]: (0.5, 0.0), nodes[1]: (0.5, 1.0)}
    n = len(nodes)
    d = np.array(_distances(nodes, neighbours))
    off = ~np.eye(n, dtype=bool)
    w = np.zeros((n, n))
    w[off] = d[off] ** -2.0
    laplacian = -w
    laplacian[np.diag_indices(n)] = w.sum(axis=1)
    inverse = np.linalg.pinv(laplacian)

    def stress(pos) -> float:
        gaps = np.sqrt(((pos[:, None, :] - pos[None, :, :]) ** 2).sum(axis=2))
        return float((w[off] * (gaps[off] - d[off]) ** 2).sum())

    def majorize(x):
        before = stress(x)
        for _ in range(rounds):
            gaps = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=2))
            b = np.zeros((n, n))
            apart = off & (gaps > 1e-9)
            b[apart] = -w[apart] * d[apart] / gaps[apart]
            b[np.diag_indices(n)] = -b.sum(axis=1)
            x = inverse @ (b @ x)
            after = stress(x)
            if before - after < 1e-6 * max(before, 1e-12):
                break
            before = after
        return x, stress(x)

    # starts: the nodes on a circle, sorted, then in breadth-first order from the most linked
    # node (stress has local minima: the better of the two is kept, ties to the first)
    angles = 2 * np.pi * np.arange(n) / n
    circle = np.column_stack([np.cos(angles), np.sin(angles)]) * (d.max() / 2)
    hub = max(range(n), key=lambda i: (len(neighbours[nodes[i]]), -i))
    order = sorted(range(n), key=lambda i: (d[hub, i], i))
    starts = [circle, circle[np.argsort(order)]]
    x, _ = min((majorize(start) for start in starts), key=lambda found: round(found[1], 9))
    xs, ys = x[:, 0], x[:, 1]  # each axis stretched to the unit square: the picture fills its box
    span_x, span_y = float(xs.max() - xs.min()) or 1.0, float(ys.max() - ys.min()) or 1.0
    return {node: (float((xs[i] - xs.min()) / span_x), float((ys[i] - ys.min()) / span_y)) for i, node in enumerate(nodes)}


def _components(nodes: list[str], neighbours: dict[str, set[str]]) -> list[list[str]]:
    """The connected components, each sorted, the largest first (ties: by first node)."""
    seen: set[str] = set()
    found = []
    for start in nodes:
        if start in seen:
            continue
        component, todo = [], [start]
        seen.add(start)
        while todo:
            node = todo.pop()
            component.append(node)
            for other in neighbours[node]:
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        found.append(sorted(component))
    return sorted(found, key=lambda c: (-len(c), c[0]))


def _layout(network: Network) -> dict[str, tuple[float, float]]:
    """Positions in the unit square: the largest component on the left, smaller ones stacked right.

    Each connected component gets its own layout (deterministic: it starts from a circular
    layout of the sorted nodes), so small separate groups do not squash the main one.
    """
    nodes = sorted({n.iri for n in network.nodes})
    if not nodes:
        return {}
    neighbours: dict[str, set[str]] = {n: set() for n in nodes}
    for e in network.edges:
        if e.source != e.target:
            neighbours[e.source].add(e.target)
            neighbours[e.target].add(e.source)
    components = _components(nodes, neighbours)
    main, rest = components[0], components[1:]
    main_width = 1.0 if not rest else 0.76
    pos = {n: (x * main_width, y) for n, (x, y) in _component_layout(main, neighbours).items()}
    if rest:
        total = sum(len(c) + 1 for c in rest)
        top = 0.0
        for component in rest:
            height = (len(component) + 1) / total
            inner = _component_layout(component, neighbours)
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


def render_svg(network: Network, width: int = 960, height: int = 700, title: str = "Network") -> str:
    """A standalone SVG picture of the network: nodes coloured by kind, edges by kind, a legend."""
    legend = _legend_rows(network, width)
    margin_x, margin_y, legend_h = 110, 40, 34 + 20 * (len(legend) - 1)
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
    edge_styles = {k.id: k for k in network.edge_kinds}
    node_colours = {k.id: k.colour for k in network.node_kinds}
    for kind, colour in ((k.id, k.colour) for k in network.edge_kinds):
        out.append(f'<marker id="arrow-{kind}" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="9" markerHeight="9" '
                   f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>')
    out.append("</defs>")
    out.append(f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fcfcfa"/>')
    # legend: link kinds, then node kinds, in rows as wide as the picture
    for row, items in enumerate(legend):
        y = 20 + 20 * row
        for x, kind in items:
            if isinstance(kind, _NodeItem):
                out.append(f'<circle cx="{x + 6}" cy="{y}" r="6" fill="{kind.style.colour}" stroke="#555"/>')
                out.append(f'<text x="{x + 16}" y="{y + 4}" font-size="12" fill="#333">{escape(kind.style.legend)}</text>')
                continue
            dash = ' stroke-dasharray="5 3"' if kind.dashed else ""
            out.append(f'<line x1="{x}" y1="{y}" x2="{x + 26}" y2="{y}" stroke="{kind.colour}" stroke-width="2"{dash} '
                       f'marker-end="url(#arrow-{kind.id})"/>')
            out.append(f'<text x="{x + 32}" y="{y + 4}" font-size="12" fill="#333">{escape(kind.legend)}</text>')
    # edges: one line per (source, target, kind), thicker when several statements give it;
    # lines between the same two nodes are bent apart
    grouped: dict[tuple[str, str, str], list[NetworkEdge]] = {}
    for edge in network.edges:
        grouped.setdefault((edge.source, edge.target, edge.kind), []).append(edge)
    seen: dict[tuple[str, str], int] = {}
    out.append('<g class="edges">')
    for (source, target, kind), group in grouped.items():
        colour, dashed = edge_styles[kind].colour, edge_styles[kind].dashed
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
                   f'<circle cx="{x}" cy="{y}" r="{radius[node.iri]}" fill="{node_colours[node.kind]}" stroke="#444" stroke-width="1.2">'
                   f"<title>{escape(node.label)}</title></circle>"
                   f'<text x="{round(x + dx, 1)}" y="{round(y + 4, 1)}" font-size="13" text-anchor="{anchor}" fill="#1d1d1d" '
                   f'paint-order="stroke" stroke="#fcfcfa" stroke-width="3">{escape(_clip(node.label))}</text></g>')
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class _NodeItem:
    style: KindStyle


def _legend_rows(network: Network, width: int) -> list[list[tuple[int, object]]]:
    """Legend entries (x, kind) in rows: a row ends where the next entry would pass the right edge."""
    items = [(44 + 7 * len(k.legend), k) for k in network.edge_kinds]
    items += [(30 + 7 * len(k.legend), _NodeItem(k)) for k in network.node_kinds]
    rows: list[list[tuple[int, object]]] = [[]]
    x = 16
    for step, item in items:
        if rows[-1] and x + step > width:
            rows.append([])
            x = 16
        rows[-1].append((x, item))
        x += step
    return rows


def _clip(label: str, limit: int = 30) -> str:
    """Long labels are cut at a word boundary (the full label is the node's tooltip)."""
    if len(label) <= limit:
        return label
    return label[:limit].rsplit(" ", 1)[0].rstrip(",;:(") + "\u2026"


def _short(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]
