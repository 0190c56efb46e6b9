"""The network picture on the home page: the release's picture (:mod:`ldpub.release.network`),
with every node of this dataset linked to its entity page.

The nodes and links are those the project's profile names (:mod:`ldpub.profile`), laid out by
networkx (deterministic). On large data only the ``max_nodes`` most connected nodes are drawn,
so the picture stays readable and the layout quick.
"""

from __future__ import annotations

import re
from html import escape, unescape

from ..htmlsafety import safe_href
from .dataset import ServedData

__all__ = ["network_svg"]

_NODE = re.compile(r'(<g class="node [^"]*" data-iri="([^"]*)">.*?</g>)', re.S)


def network_svg(data: ServedData, max_nodes: int = 60) -> str | None:
    """The SVG picture with linked nodes, or None when the ontology is not at hand."""
    if data.vocab is None:
        return None
    from ..release.network import Network, extract_network, render_svg

    network = extract_network(data.store, data.profile)
    degree: dict[str, int] = {}
    for edge in network.edges:
        degree[edge.source] = degree.get(edge.source, 0) + 1
        degree[edge.target] = degree.get(edge.target, 0) + 1
    kept = set(sorted(degree, key=lambda iri: (-degree[iri], iri))[:max_nodes])
    nodes = [n for n in network.nodes if n.iri in kept]
    edges = [e for e in network.edges if e.source in kept and e.target in kept]
    used_nodes, used_edges = {n.kind for n in nodes}, {e.kind for e in edges}
    network = Network(nodes, edges, [k for k in network.node_kinds if k.id in used_nodes],
                      [k for k in network.edge_kinds if k.id in used_edges])
    svg = render_svg(network, title=f"{data.title}: network")

    def link(match: re.Match) -> str:
        href = safe_href(data.href(unescape(match.group(2))))
        return f'<a href="{escape(href)}">{match.group(1)}</a>' if href else match.group(1)

    return _NODE.sub(link, svg)
