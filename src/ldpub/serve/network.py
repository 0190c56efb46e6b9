"""The network picture on the home page: persons and organizations linked by statements.

Nodes are the dataset's agents (instances of ``ag:Agent`` and its subclasses, read from the
ontology graph). Two agents are linked when one statement (a claim: pledge, tenure, meeting,
relation, ...) names both; the edge is styled by the statement's status (denied and disputed
dashed) and titled with the statement's label. The layout is a circle in a fixed order
(persons, then organizations, by label), so the same data always gives the same SVG. On large
data only the 60 most connected agents are drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from .dataset import AG, STATUS, SUPPORTED_BY, ServedData

__all__ = ["network_svg", "network_edges", "Edge"]

SKIPPED = {SUPPORTED_BY, AG + "reportedBy", AG + "reportedIn"}
STATUS_STYLE = {
    AG + "Confirmed": ("#1b7837", ""),
    AG + "Reported": ("#4d6d9a", ""),
    AG + "Denied": ("#b2182b", "6 4"),
    AG + "Disputed": ("#e08214", "3 3"),
}


@dataclass(frozen=True)
class Edge:
    a: str
    b: str
    statement: str
    status: str | None


def _agent_classes(data: ServedData) -> str:
    """A graph pattern binding ?class to ag:Agent and its subclasses."""
    if data.ontology_iri:
        return f"GRAPH <{data.ontology_iri}> {{ ?class <http://www.w3.org/2000/01/rdf-schema#subClassOf>* <{AG}Agent> }}"
    return f"VALUES ?class {{ <{AG}Person> <{AG}Organization> }}"


def _agents(data: ServedData) -> dict[str, str]:
    """Agent IRI -> its most specific kind ("person" or "organization")."""
    rows = data.select(f"SELECT DISTINCT ?s ?class WHERE {{ {_agent_classes(data)} ?s a ?class }}")
    kinds: dict[str, str] = {}
    for row in rows:
        iri = row["s"].value
        if not data.slug_of(iri) or "#" in iri:
            continue
        kind = "person" if row["class"].value == AG + "Person" else "organization"
        if kinds.get(iri) != "person":
            kinds[iri] = kind
    return kinds


def network_edges(data: ServedData, agents: dict[str, str]) -> list[Edge]:
    """One edge per pair of agents named by the same statement (deduplicated, sorted)."""
    edges: dict[tuple[str, str, str], Edge] = {}
    named: dict[str, list[str]] = {}
    status: dict[str, str] = {}
    skipped = ", ".join(f"<{p}>" for p in sorted(SKIPPED))
    rows = data.store.query(
        f"SELECT ?claim ?status ?o WHERE {{ {_agent_classes(data)} ?o a ?class . "
        f"?claim <{STATUS}> ?status ; ?p ?o . FILTER(?p NOT IN ({skipped})) }}")
    for row in rows:
        claim, obj = row["claim"].value, row["o"].value
        status[claim] = row["status"].value
        if obj in agents:
            members = named.setdefault(claim, [])
            if obj not in members:
                members.append(obj)
    for claim, members in named.items():
        members.sort()
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                edges.setdefault((a, b, claim), Edge(a, b, claim, status.get(claim)))
    return sorted(edges.values(), key=lambda e: (e.a, e.b, e.statement))


def network_svg(data: ServedData, size: int = 1100, max_nodes: int = 60) -> str:
    """The picture as an SVG document (nodes link to their entity pages); at most ``max_nodes``
    agents, the most connected ones."""
    agents = _agents(data)
    edges = network_edges(data, agents)
    degree_all: dict[str, int] = {}
    for e in edges:
        degree_all[e.a] = degree_all.get(e.a, 0) + 1
        degree_all[e.b] = degree_all.get(e.b, 0) + 1
    # the most connected agents only, so the picture stays readable on large data
    kept = set(sorted(degree_all, key=lambda iri: (-degree_all[iri], iri))[:max_nodes])
    edges = [e for e in edges if e.a in kept and e.b in kept]
    nodes = sorted(kept, key=lambda iri: (agents[iri] != "person", data.label(iri).lower()))
    centre, radius = size / 2, size / 2 - 250
    position = {}
    for i, iri in enumerate(nodes):
        angle = 2 * math.pi * i / max(len(nodes), 1) - math.pi / 2
        position[iri] = (centre + radius * math.cos(angle), centre + radius * math.sin(angle), angle)
    degree = {iri: 0 for iri in nodes}
    for e in edges:
        degree[e.a] += 1
        degree[e.b] += 1
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
           f'role="img" aria-label="Network of persons and organizations linked by statements" class="network">',
           f"<title>{escape(data.title)}: who is linked to whom by the statements</title>"]
    for e in edges:
        (x1, y1, _), (x2, y2, _) = position[e.a][:3], position[e.b][:3]
        colour, dash = STATUS_STYLE.get(e.status or "", ("#888", ""))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
                   f'stroke-opacity="0.6" stroke-width="1.6"{dash_attr}><title>{escape(data.label(e.statement))} '
                   f'({escape(data.label(e.status) if e.status else "no status")})</title></line>')
    for iri in nodes:
        x, y, angle = position[iri]
        r = 4 + min(degree[iri], 10)
        fill = "#7b3294" if agents[iri] == "person" else "#008837"
        anchor = "start" if math.cos(angle) >= 0 else "end"
        dx = (r + 4) * (1 if anchor == "start" else -1)
        href = escape(data.href(iri) or iri)
        full = data.label(iri)
        label = escape(full if len(full) <= 40 else full[:38] + "…")
        out.append(f'<a href="{href}"><circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{fill}"><title>{escape(full)}</title></circle>'
                   f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" font-size="12" '
                   f'font-family="sans-serif">{label}</text></a>')
    out.append("</svg>")
    return "\n".join(out)
