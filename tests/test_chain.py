"""The GPT as a Markov chain: states, transitions, data, long-run behaviour, sampling, graphviz."""

from __future__ import annotations

import itertools
import re

import graphviz
import numpy as np
import pytest
import torch
from conftest import SMALL

from babygpt_widget import BabyGPT
from babygpt_widget.core import chain
from babygpt_widget.core.chain import StateSpace, reach_probability, stationary_distribution


# -- state space -----------------------------------------------------------------------------------
def test_states_are_lexicographic():
    assert BabyGPT().states == ["000", "001", "010", "011", "100", "101", "110", "111"]
    assert StateSpace("ab", 2).labels == ["aa", "ab", "ba", "bb"]
    space = StateSpace("ACGT", 3)
    assert space.labels == ["".join(p) for p in itertools.product("ACGT", repeat=3)]
    assert len(space) == 64 and space.index["GTA"] == space.labels.index("GTA")


@pytest.mark.parametrize("alphabet,C", [("01", 3), ("ab", 2), ("012", 2), ("ACGT", 3)])
def test_next_state_shifts_in_the_token(alphabet, C):
    space = StateSpace(alphabet, C)
    assert space.next_index.shape == (len(alphabet) ** C, len(alphabet))
    for i, s in enumerate(space.labels):
        for t, tok in enumerate(alphabet):
            assert space.labels[space.next_index[i, t]] == s[1:] + tok


def test_prefix_space_of_the_default_has_14_states():
    space = StateSpace("01", 3, include_prefixes=True)
    assert len(space) == 14
    assert space.labels == ["0", "1", "00", "01", "10", "11", "000", "001", "010", "011", "100", "101", "110", "111"]
    assert [len(s) for s in space.labels] == sorted(len(s) for s in space.labels)
    for i, s in enumerate(space.labels):
        for t, tok in enumerate("01"):
            expected = s + tok if len(s) < 3 else s[1:] + tok
            assert space.labels[space.next_index[i, t]] == expected
    run = BabyGPT()
    assert run.state_space(include_prefixes=True).labels == space.labels
    assert run.transition_matrix(include_prefixes=True).shape == (14, 2)
    assert run.data_counts(include_prefixes=True).shape == (14, 2)


def test_prefix_probabilities_are_the_model_on_short_contexts(trained):
    probs = trained.transition_matrix(include_prefixes=True)
    labels = trained.state_space(True).labels
    with torch.no_grad():
        for i, s in enumerate(labels):
            logits = trained.model(torch.tensor([[int(c) for c in s]]))
            np.testing.assert_allclose(probs[i], torch.softmax(logits, -1)[0].numpy(), atol=1e-6)
    # the full-length rows equal the live chain
    np.testing.assert_allclose(probs[6:], trained.probabilities, atol=1e-7)


# -- transition probabilities --------------------------------------------------------------------------
def test_rows_sum_to_one(trained):
    for T in (0.0, 0.3, 1.0, 5.0):
        P = trained.transition_matrix(temperature=T, include_prefixes=True)
        np.testing.assert_allclose(P.sum(axis=1), 1.0, atol=1e-6)
        assert np.all(P >= 0)
    P3 = BabyGPT(alphabet="012", context_length=2, sequence="0120120011", **SMALL).probabilities
    assert P3.shape == (9, 3)
    np.testing.assert_allclose(P3.sum(axis=1), 1.0, atol=1e-6)


def test_greedy_rows_are_one_hot_at_the_argmax(trained):
    P = trained.transition_matrix()
    G = trained.transition_matrix(temperature=0)
    assert set(np.unique(G)) == {0.0, 1.0}
    np.testing.assert_array_equal(G.argmax(1), P.argmax(1))
    np.testing.assert_array_equal(G.sum(1), 1.0)
    assert G[trained.states.index("111")].tolist() == [1.0, 0.0]  # P(1|111) = 0.454 < 0.5


def test_temperature_changes_sharpness(trained):
    def p_max(T):
        return trained.transition_matrix(temperature=T).max(axis=1)

    cold, normal, hot = p_max(0.5), p_max(1.0), p_max(3.0)
    assert np.all(cold > normal) and np.all(normal > hot)
    assert np.all(hot > 0.5)  # the argmax keeps its place
    # exact: softmax(logits / T)
    with torch.no_grad():
        logits = trained.model(trained.state_space().token_ids(3))
    np.testing.assert_allclose(trained.transition_matrix(temperature=0.5),
                               torch.softmax(logits / 0.5, -1).numpy(), atol=1e-6)
    np.testing.assert_allclose(trained.transition_matrix(temperature=100), 0.5, atol=0.01)


# -- the data as a chain --------------------------------------------------------------------------------
def test_data_counts_of_the_seed(fresh):
    counts = dict(zip(fresh.states, fresh.data_counts().tolist()))
    assert counts == {"000": [0, 0], "001": [0, 0], "010": [0, 0], "011": [0, 2],
                      "100": [0, 0], "101": [0, 2], "110": [0, 2], "111": [3, 3]}
    assert fresh.data_counts().sum() == 12  # one per training window
    assert fresh.unseen_states == ["000", "001", "010", "100"]


def test_data_counts_with_prefixes_and_after_a_sequence_change(trained):
    pre = dict(zip(trained.state_space(True).labels, trained.data_counts(include_prefixes=True).tolist()))
    assert pre["0"] == [0, 2] and pre["1"] == [3, 9]  # every position i >= 1 of "111101111011110"
    assert pre["10"] == [0, 2] and pre["11"] == [3, 6]
    trained.configure(sequence="0000")
    assert dict(zip(trained.states, trained.data_counts().tolist()))["000"] == [1, 0]
    assert trained.unseen_states == [s for s in trained.states if s != "000"]


# -- reachability ----------------------------------------------------------------------------------
def test_reach_probability_on_a_hand_computed_chain():
    # states 0, 1, 2 (2 = target, absorbing); two tokens per state
    #   0 -a(0.5)-> 0,  0 -b(0.5)-> 1;   1 -a(0.25)-> 2,  1 -b(0.75)-> 0;   2 -> 2
    probs = np.array([[0.5, 0.5], [0.25, 0.75], [1.0, 0.0]])
    nxt = np.array([[0, 1], [2, 0], [2, 2]])
    target = np.array([False, False, True])
    r0 = reach_probability(probs, nxt, target, 0)
    r1 = reach_probability(probs, nxt, target, 1)
    r2 = reach_probability(probs, nxt, target, 2)
    r3 = reach_probability(probs, nxt, target, 3)
    np.testing.assert_allclose(r0, [0, 0, 1])
    np.testing.assert_allclose(r1, [0, 0.25, 1])
    # from 0 in 2: 0->1->2 = 0.5*0.25;  from 1 in 2: 0.25 + 0.75*0 (1->0->? needs 2 more)
    np.testing.assert_allclose(r2, [0.125, 0.25, 1])
    # from 0 in 3: 0->0->1->2 (0.5*0.5*0.25) + 0->1->2 (0.125) ; from 1: 0.25 + 0.75*0.125
    np.testing.assert_allclose(r3, [0.0625 + 0.125, 0.25 + 0.75 * 0.125, 1])
    # long horizon: the target is reached almost surely
    assert reach_probability(probs, nxt, target, 400)[0] == pytest.approx(1.0)


def test_reach_probability_two_state_chain_monte_carlo_free():
    # 0 -> 1 with p=0.3 each step, else stay: P(reach 1 within k) = 1 - 0.7**k
    probs = np.array([[0.7, 0.3], [0.5, 0.5]])
    nxt = np.array([[0, 1], [0, 1]])
    for k in range(6):
        got = reach_probability(probs, nxt, np.array([False, True]), k)
        assert got[0] == pytest.approx(1 - 0.7**k)
        assert got[1] == 1.0  # a start inside the targets counts as reached at step 0


def test_engine_reach_probability(trained):
    assert trained.reach_probability(["111"], 0) == 1.0  # default start is 111
    assert trained.reach_probability(["000"], 0) == 0.0
    assert trained.reach_probability(["000"], 2) == 0.0  # 111 needs three 0s to get to 000
    p110 = float(trained.probabilities[trained.states.index("111"), 0])
    p100 = float(trained.probabilities[trained.states.index("110"), 0])
    p000 = float(trained.probabilities[trained.states.index("100"), 0])
    assert trained.reach_probability(["000"], 3) == pytest.approx(p110 * p100 * p000, rel=1e-5)
    ks = [trained.reach_probability(["000"], k) for k in (3, 5, 10, 50)]
    assert ks == sorted(ks) and ks[-1] < 1
    # greedy never leaves the 111 -> 110 -> 101 -> 011 -> 111 loop
    assert trained.reach_probability(["000"], 100, temperature=0) == 0.0
    # from the empty start of generation: the walk begins in a 1-token prefix state
    assert trained.reach_probability(["1"], 0, start="1") == 1.0
    assert 0 < trained.reach_probability(["000"], 3, start="0") < 1


# -- stationary distribution --------------------------------------------------------------------------
@pytest.mark.parametrize("a,b", [(0.3, 0.1), (0.9, 0.9), (0.01, 0.5)])
def test_stationary_two_state_ergodic(a, b):
    probs = np.array([[1 - a, a], [b, 1 - b]])  # token t goes to state t
    nxt = np.array([[0, 1], [0, 1]])
    pi = stationary_distribution(probs, nxt)
    np.testing.assert_allclose(pi, [b / (a + b), a / (a + b)], atol=1e-9)


def test_stationary_periodic_cycle_is_uniform():
    # deterministic 4-cycle 0->1->2->3->0: period 4, plain powers never converge
    probs = np.array([[1.0, 0.0]] * 4)
    nxt = np.array([[1, 0], [2, 0], [3, 0], [0, 0]])
    np.testing.assert_allclose(stationary_distribution(probs, nxt), 0.25, atol=1e-9)
    # a 2-cycle plus a transient state 2 that feeds it: still uniform over the cycle
    probs = np.array([[1.0, 0.0], [1.0, 0.0], [0.5, 0.5]])
    nxt = np.array([[1, 1], [0, 0], [0, 1]])
    np.testing.assert_allclose(stationary_distribution(probs, nxt), [0.5, 0.5, 0], atol=1e-9)


def test_stationary_reducible_with_absorbing_states():
    # 0 -> 0 or 1 (1 absorbing): all the mass ends in 1
    probs = np.array([[0.5, 0.5], [1.0, 0.0]])
    nxt = np.array([[0, 1], [1, 1]])
    np.testing.assert_allclose(stationary_distribution(probs, nxt), [0, 1], atol=1e-9)
    # transient 0 splits evenly into absorbing 1 and 2; start uniform over {0, 1, 2}
    probs = np.array([[0.5, 0.5], [1.0, 0.0], [1.0, 0.0]])
    nxt = np.array([[1, 2], [1, 1], [2, 2]])
    np.testing.assert_allclose(stationary_distribution(probs, nxt), [0, 0.5, 0.5], atol=1e-9)


def test_stationary_is_a_fixed_point_for_a_random_de_bruijn_chain():
    rng = np.random.default_rng(0)
    for C in (3, 10):  # 8 states (dense path) and 1024 states (sparse power iteration)
        space = StateSpace("01", C)
        probs = rng.dirichlet([1.0, 1.0], size=len(space))
        pi = stationary_distribution(probs, space.next_index)
        P = chain.dense_matrix(probs, space.next_index)
        assert pi.sum() == pytest.approx(1.0)
        assert np.all(pi >= 0)
        np.testing.assert_allclose(pi @ P, pi, atol=1e-9)


def test_engine_stationary_distribution(trained):
    pi = trained.stationary_distribution()
    assert pi.shape == (8,)
    assert pi.sum() == pytest.approx(1.0, abs=1e-9)
    P = chain.dense_matrix(trained.probabilities, trained.state_space().next_index)
    np.testing.assert_allclose(pi @ P, pi, atol=1e-7)
    # greedy: the deterministic 4-cycle 111 -> 110 -> 101 -> 011 -> 111
    g = dict(zip(trained.states, trained.stationary_distribution(temperature=0)))
    for s in ("111", "110", "101", "011"):
        assert g[s] == pytest.approx(0.25, abs=1e-9)
    assert sum(g.values()) == pytest.approx(1.0)


# -- sampling -------------------------------------------------------------------------------------------
def test_sample_is_reproducible_and_well_formed(trained):
    a = trained.sample(20, seed=7)
    assert a == trained.sample(20, seed=7)
    assert len(a) == 3 + 20 and a.startswith("111") and set(a) <= {"0", "1"}
    others = {trained.sample(20, seed=s) for s in range(8)}
    assert len(others) > 1
    b = trained.sample(10, start="010", seed=1)
    assert len(b) == 13 and b.startswith("010")
    assert trained.sample(0, start="101") == "101"
    # shorter start: grows through the prefix states
    c = trained.sample(5, start="1", seed=2)
    assert len(c) == 6 and c[0] == "1"


def test_sample_uses_the_chain_probabilities():
    """Tokens follow P(next | state) of the chain: with a sharp chain the frequencies match."""
    run = BabyGPT()
    run.train(50)
    s = run.sample(4000, seed=0)
    p1 = dict(zip(run.states, run.probabilities[:, 1]))
    # frequency of "1" after "111"
    after = [s[i + 3] for i in range(len(s) - 3) if s[i : i + 3] == "111"]
    assert len(after) > 500
    assert np.mean([c == "1" for c in after]) == pytest.approx(p1["111"], abs=0.05)


def test_greedy_sampling_follows_the_argmax(trained):
    s = trained.sample(20, temperature=0, seed=3)
    state = "111"
    expected = state
    for _ in range(20):
        tok = "01"[int(trained.probabilities[trained.states.index(state)].argmax())]
        expected += tok
        state = state[1:] + tok
    assert s == expected == "111" + "0111" * 5
    assert trained.sample(20, temperature=0, seed=99) == s  # the FSM: no randomness left


def test_exercise_V3_C2_has_9_states_with_3_edges_each():
    run = BabyGPT(alphabet="012", context_length=2, sequence="0120120011221", **SMALL)
    assert run.states == ["00", "01", "02", "10", "11", "12", "20", "21", "22"]
    assert run.probabilities.shape == (9, 3)
    assert run.state_space().next_index.shape == (9, 3)
    dot = run.to_graphviz()
    edges = [l for l in dot.body if "->" in l]
    assert len(edges) == 27
    for s in run.states:
        assert sum(1 for l in edges if l.strip().startswith(f"{s} ->")) == 3
    sample = run.sample(30, seed=0)
    assert len(sample) == 32 and set(sample) <= set("012")


# -- graphviz -------------------------------------------------------------------------------------------
EDGE = re.compile(r'^\s*"?(\w+)"?\s*->\s*"?(\w+)"?\s*\[label="([^"]+)"\]')


def _edges(dot):
    return [EDGE.match(l).groups() for l in dot.body if "->" in l]


def test_to_graphviz_is_the_seed_picture(trained):
    dot = trained.to_graphviz()
    assert isinstance(dot, graphviz.Digraph) and dot.engine == "circo"
    nodes = [l for l in dot.body if "->" not in l]
    assert len(nodes) == 8
    edges = _edges(dot)
    assert len(edges) == 16
    labels = {(a, b): lab for a, b, lab in edges}
    assert labels[("101", "011")] == "1(79%)"
    assert labels[("101", "010")] == "0(21%)"
    assert labels[("111", "111")] == "1(45%)"
    assert labels[("000", "001")] == "1(73%)"
    for a, b, lab in edges:
        assert re.fullmatch(r"[01]\(\d{1,3}%\)", lab)
        assert b == a[1:] + lab[0]


def test_to_graphviz_before_training_and_greedy(fresh, trained):
    assert dict(((a, b), lab) for a, b, lab in _edges(fresh.to_graphviz()))[("000", "001")] == "1(50%)"
    greedy = _edges(trained.to_graphviz(temperature=0))
    assert len(greedy) == 8
    assert all(lab.endswith("(100%)") for _, _, lab in greedy)
    assert ("111", "110", "0(100%)") in greedy and ("101", "011", "1(100%)") in greedy


def test_edge_label_format():
    assert chain.edge_label("1", 0.7929) == "1(79%)"
    assert chain.edge_label("a", 1.0) == "a(100%)"
    assert chain.edge_label("0", 0.004) == "0(0%)"


def test_graphviz_renders_with_circo(trained):
    svg = trained.to_graphviz().pipe(format="svg").decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert svg.count('class="node"') == 8 and svg.count('class="edge"') == 16
    assert "1(79%)" in svg


@pytest.mark.parametrize("T", [1e-300, 1e-30, 1e-8])
def test_tiny_temperature_is_the_greedy_limit_not_nan(trained, T):
    """logits / T overflows to inf for tiny T; softmax(inf - inf) would be NaN (found by hypothesis)."""
    P = trained.transition_matrix(temperature=T, include_prefixes=True)
    assert np.all(np.isfinite(P))
    np.testing.assert_array_equal(P, trained.transition_matrix(temperature=0, include_prefixes=True))
    assert trained.sample(12, temperature=T, seed=0) == trained.sample(12, temperature=0)


@pytest.mark.parametrize("dense_states", [1, 4, 64])
def test_trie_evaluation_matches_the_plain_forward_for_every_context(dense_states):
    """The large-space path (a batched forward for the first levels, then one pass per trie
    level in reversed-digit order) computes what GPT.forward does, wherever the split falls."""
    import torch

    from babygpt_widget.core.chain import StateSpace
    from babygpt_widget.core.trie_eval import logits_by_length

    for alphabet, C in (("01", 7), ("012", 4), ("ACGT", 3)):
        run = BabyGPT(alphabet=alphabet, context_length=C, sequence=alphabet * 4, n_layer=2, n_embd=8, n_head=2)
        run.train(5)
        space = StateSpace(alphabet, C, include_prefixes=True)
        with torch.no_grad():
            plain = [run.model(space.token_ids(L)) for L in space.lengths]
        got = logits_by_length(run.model, dense_states=dense_states)
        assert len(got) == C
        for a, b in zip(plain, got):
            assert a.shape == b.shape and torch.allclose(a, b, atol=1e-6)