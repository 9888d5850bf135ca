"""to_svg() draws the chain in pure Python; to_graphviz() says what to install when `dot` is missing."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import graphviz
import pytest

from babygpt_widget import BabyGPT
from babygpt_widget.render.graphviz_chain import MISSING_DOT, GraphvizNotInstalled
from babygpt_widget.render.svg_chain import de_bruijn, draw_chain, ring_order

NS = {"s": "http://www.w3.org/2000/svg"}


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """A PATH on which Graphviz's `dot` cannot be found."""
    monkeypatch.setenv("PATH", str(tmp_path))


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg.encode())


def labels(root: ET.Element) -> dict[tuple[str, str], str]:
    return {(t.get("data-from"), t.get("data-to")): t.text for t in root.iter("{http://www.w3.org/2000/svg}text")
            if t.get("class") == "bg-edge-label"}


def test_to_svg_draws_the_trained_chain_without_graphviz(trained, no_dot):
    root = parse(trained.to_svg())
    nodes = root.findall(".//s:g[@class]", NS)
    states = [g.get("data-state") for g in nodes if g.get("class").startswith("bg-node")]
    assert sorted(states) == trained.states
    edges = root.findall(".//s:g[@class='bg-edge']", NS)
    assert len(edges) == 16  # every state, both tokens
    got = labels(root)
    assert got[("101", "011")] == "1(79%)" and got[("000", "001")] == "1(73%)"
    assert got[("000", "000")] == "0(27%)"  # a self-loop is drawn too
    assert all(e.find("s:polygon", NS) is not None for e in edges)  # every edge ends in an arrowhead


def test_unseen_states_are_dashed(trained):
    root = parse(trained.to_svg())
    dashed = {g.get("data-state") for g in root.findall(".//s:g[@class='bg-node bg-unseen']", NS)}
    assert dashed == set(trained.unseen_states) == {"000", "001", "010", "100"}
    assert root.find(".//s:g[@data-state='000']/s:circle", NS).get("stroke-dasharray")
    assert root.find(".//s:g[@data-state='111']/s:circle", NS).get("stroke-dasharray") is None


def test_caption_gives_step_loss_and_settings(trained):
    captions = [t.text for t in parse(trained.to_svg()).iter("{http://www.w3.org/2000/svg}text")
                if t.get("class") == "bg-caption"]
    assert captions[0] == f"step 50 · loss {trained.loss:.4f}"
    assert captions[1] == "data 111101111011110 · V=2, C=3"
    assert captions[2] == "4 layers, 4 heads, 16 dims · lr 0.001 · wd 0.1 · seed 1337"


def test_nodes_sit_on_a_circle_in_de_bruijn_order(trained):
    root = parse(trained.to_svg())
    centre = {g.get("data-state"): (float(g.find("s:circle", NS).get("cx")), float(g.find("s:circle", NS).get("cy")))
              for g in root.findall(".//s:g[@data-state]", NS)}
    radii = [math.hypot(x, y) for x, y in centre.values()]
    assert max(radii) - min(radii) < 0.2  # one ring
    clockwise = sorted(centre, key=lambda s: (math.atan2(centre[s][1], centre[s][0]) + math.pi / 2) % (2 * math.pi))
    assert clockwise == ["000", "001", "010", "101", "011", "111", "110", "100"]  # B(2,3) = 00010111


def test_temperature_zero_keeps_one_edge_per_state(trained):
    root = parse(trained.to_svg(temperature=0))
    froms = [e.get("data-from") for e in root.findall(".//s:g[@class='bg-edge']", NS)]
    assert sorted(froms) == trained.states
    assert "temperature 0" in trained.to_svg(temperature=0)


def test_three_token_chain_and_text_is_escaped():
    gpt = BabyGPT(sequence="<&><&<>", alphabet="<&>", context_length=2)
    root = parse(gpt.to_svg())  # parses: '<' and '&' are escaped
    assert len(root.findall(".//s:g[@class='bg-edge']", NS)) == 27
    assert {g.get("data-state") for g in root.findall(".//s:g[@data-state]", NS)} == set(gpt.states)


def test_de_bruijn_sequences_hold_every_window_once():
    for k, n in [(2, 3), (3, 2), (2, 5), (4, 3), (1, 3)]:
        seq = de_bruijn(k, n)
        assert len(seq) == k**n
        windows = {tuple(seq[(i + j) % len(seq)] for j in range(n)) for i in range(len(seq))}
        assert len(windows) == k**n


def test_ring_order_keeps_given_order_for_partial_state_lists():
    assert ring_order(["01", "10"], "01", 2) == [0, 1]


def test_large_chain_draws_every_node():
    import numpy as np

    states = [format(i, "08b") for i in range(256)]
    svg = draw_chain(states, "01", np.full((256, 2), 0.5), unseen=[])
    assert len(re.findall(r'class="bg-node"', svg)) == 256


def test_graphviz_without_dot_says_what_to_install(trained, no_dot):
    dot = trained.to_graphviz()
    with pytest.raises(GraphvizNotInstalled, match="apt-get install graphviz"):
        dot.pipe(format="svg")
    assert dot._repr_mimebundle_() == {"text/plain": MISSING_DOT}  # a notebook shows one line, not a traceback
    assert "\n" not in MISSING_DOT


def test_graphviz_still_renders_with_dot(trained):
    svg = trained.to_graphviz().pipe(format="svg").decode()
    assert "1(79%)" in svg
    assert isinstance(trained.to_graphviz(), graphviz.Digraph)
