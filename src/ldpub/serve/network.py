"""The network picture on the home page: the release's picture (:mod:`ldpub.release.network`),
with every node linked to its entity page.

Persons and groups linked by pledges, positions, relations and parent organizations, laid
out by networkx (deterministic). On large data only the ``max_nodes`` most connected agents
are drawn, so the picture stays readable and the layout quick.
"""

from __future__ import annotations

import re
from html import escape, unescape

from .dataset import ServedData

__all__ = ["network_svg"]

_NODE = re.compile(r'(<g class="node [^"]*" data-iri="([^"]*)">.*?</g>)', re.S)


def network_svg(data: ServedData, max_nodes: int = 60) -> str | None:
    """The SVG picture with linked nodes, or None when the ontology is not at hand."""
    if data.vocab is None:
        return None
    from ..release.network import Network, extract_network, render_svg

    import pyoxigraph as ox

    default_graph = data.store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    network = extract_network(_QuadSource(default_graph), data.vocab)
    degree: dict[str, int] = {}
    for edge in network.edges:
        degree[edge.source] = degree.get(edge.source, 0) + 1
        degree[edge.target] = degree.get(edge.target, 0) + 1
    kept = set(sorted(degree, key=lambda iri: (-degree[iri], iri))[:max_nodes])
    network = Network([n for n in network.nodes if n.iri in kept],
                      [e for e in network.edges if e.source in kept and e.target in kept])
    svg = render_svg(network, title=f"{data.title}: groups and persons")

    def link(match: re.Match) -> str:
        href = data.href(unescape(match.group(2)))
        return f'<a href="{escape(href)}">{match.group(1)}</a>' if href else match.group(1)

    return _NODE.sub(link, svg)


class _QuadSource:
    """The store view :func:`extract_network` reads: the default graph only."""

    def __init__(self, quads) -> None:
        import pyoxigraph as ox

        self._store = ox.Store()
        self._store.bulk_extend(quads)

    def quads_for_pattern(self, *pattern):
        return self._store.quads_for_pattern(*pattern)
