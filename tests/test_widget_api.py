"""The widget's public API is explicit: every public name of BabyGPT is reachable on the widget
by a name the class itself defines (no attribute forwarding), listed by dir() and help(), and
every public method, property and trait says what it is."""

from __future__ import annotations

import pydoc

import pytest

from babygpt_widget import BabyGPT, BabyGPTWidget

ENGINE_NAMES = [n for n in dir(BabyGPT) if not n.startswith("_")]
WIDGET_ONLY = ["play", "stop", "pause", "show_step", "load_run", "undo_reset", "save_html"]


def package_members() -> dict[str, object]:
    """Public names defined by the package's own classes in the widget's MRO (not traitlets')."""
    found: dict[str, object] = {}
    for cls in BabyGPTWidget.__mro__:
        if cls.__module__.startswith("babygpt_widget"):
            for name, value in vars(cls).items():
                if not name.startswith("_"):
                    found.setdefault(name, value)
    return found


def test_no_attribute_forwarding():
    assert "__getattr__" not in vars(BabyGPTWidget)
    assert all("__getattr__" not in vars(cls) for cls in BabyGPTWidget.__mro__
               if cls.__module__.startswith("babygpt_widget"))
    w = BabyGPTWidget()
    with pytest.raises(AttributeError):
        w._trainer  # an engine internal is not reachable through the widget  # noqa: B018


@pytest.mark.parametrize("name", ENGINE_NAMES + WIDGET_ONLY)
def test_every_engine_name_is_defined_on_the_widget_class(name):
    assert name in package_members(), f"{name} is not defined by the widget's own classes"
    assert name in dir(BabyGPTWidget)


def test_help_lists_the_public_api():
    text = pydoc.render_doc(BabyGPTWidget, renderer=pydoc.plaintext)
    missing = [n for n in ENGINE_NAMES + WIDGET_ONLY if f"{n}(" not in text and f"\n |  {n}\n" not in text]
    assert missing == []


def test_every_public_name_has_a_docstring():
    traits = BabyGPTWidget.class_traits()
    undocumented = []
    for name, value in package_members().items():
        if name in traits:
            doc = traits[name].help
        else:
            doc = getattr(getattr(value, "__func__", value), "__doc__", None)
        if not (doc and doc.strip()):
            undocumented.append(name)
    assert undocumented == []


def test_the_reads_follow_the_engine_the_widget_shows():
    w = BabyGPTWidget()
    w.train(3)
    assert w.alphabet == w.engine.alphabet and w.num_parameters == w.engine.num_parameters
    assert (w.transition_matrix(0.5) == w.engine.transition_matrix(0.5)).all()
    assert w.probabilities_table().row("111") == w.engine.probabilities_table().row("111")
    assert w.to_svg().startswith("<?xml") and w.unseen_states == w.engine.unseen_states
    assert (w.probabilities_at(step=0) == w.engine.probabilities_at(step=0)).all()
    w.reset()  # a reset swaps the engine: the reads follow it
    assert w.engine.global_step == 0 and w.history.steps.tolist() == [0]
