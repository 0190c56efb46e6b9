"""The network picture's layout (stress majorization, numpy only): deterministic, in the box,
and faithful to path lengths (a path is drawn unfolded, in order; a cycle round)."""

from __future__ import annotations

import math

from hypothesis import given, settings, strategies as st

from ldpub.release.network import KindStyle, Network, NetworkEdge, NetworkNode, _component_layout, _layout, render_svg


def _neighbours(nodes, edges):
    found = {n: set() for n in nodes}
    for a, b in edges:
        if a != b:
            found[a].add(b)
            found[b].add(a)
    return found


def _network(nodes, edges) -> Network:
    return Network([NetworkNode(n, n, "person") for n in nodes],
                   [NetworkEdge(a, b, "knows", "knows", f"{a}-{b}") for a, b in edges],
                   [KindStyle("person", "person", "#e8a598")], [KindStyle("knows", "knows", "#7a7a7a")])


def test_a_path_is_drawn_unfolded_and_in_order():
    nodes = [f"n{i}" for i in range(6)]
    pos = _component_layout(nodes, _neighbours(nodes, list(zip(nodes, nodes[1:]))))
    for i in range(6):  # the farther along the path, the farther away on the page
        gaps = [math.dist(pos[nodes[i]], pos[nodes[j]]) for j in range(i, 6)]
        assert gaps == sorted(gaps)


def test_a_cycle_is_drawn_round():
    nodes = [f"n{i}" for i in range(8)]
    pos = _component_layout(nodes, _neighbours(nodes, list(zip(nodes, nodes[1:] + nodes[:1]))))
    cx, cy = sum(x for x, _ in pos.values()) / 8, sum(y for _, y in pos.values()) / 8
    radii = [math.dist((cx, cy), p) for p in pos.values()]
    assert max(radii) - min(radii) < 0.02


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 14).flatmap(lambda n: st.tuples(
    st.just([f"n{i:02d}" for i in range(n)]),
    st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=3 * n))))
def test_layout_is_deterministic_and_inside_the_box(graph):
    nodes, pairs = graph
    edges = [(nodes[a], nodes[b]) for a, b in pairs if a != b]
    network = _network(nodes, edges)
    first, again = _layout(network), _layout(network)
    assert first == again and set(first) == set(nodes)
    assert all(0.0 <= x <= 1.0 and 0.0 <= y <= 1.0 for x, y in first.values())
    assert render_svg(network) == render_svg(network)
