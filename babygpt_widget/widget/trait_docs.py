"""One line of help for each synced trait (what `help(BabyGPTWidget)` and traitlets show).

docs/state-contract.md has the full contract: types, encodings and who writes each trait.
"""

from __future__ import annotations

TRAIT_HELP: dict[str, str] = {
    # the run, set by the kernel
    "config": "The run's settings (RunConfig as a dict); set by the kernel.",
    "states": "The chain's states (contexts of full length), in the seed's order.",
    "probs": "(states, vocab) float32 next-token probabilities of the live weights, little-endian bytes.",
    "data_counts": "(states, vocab) int32 counts of each next token in the sequence, bytes.",
    "global_step": "Optimizer steps trained so far.",
    "loss": "Loss of the live weights on the training windows.",
    "run_string": "The run's whole history in one line (see BabyGPT.run_string).",
    "prefix_states": "The shorter contexts a walk starts from (shown with show_prefixes).",
    "prefix_probs": "The shorter contexts' next-token probabilities, like probs.",
    "prefix_data_counts": "The shorter contexts' next-token counts, like data_counts.",
    "history_steps": "int32 steps of the recorded history (thinned beyond a memory cap), bytes.",
    "history_losses": "float32 loss at each recorded step, bytes.",
    "history_probs": "float32 (steps, states, vocab) probabilities at each recorded step, bytes.",
    "history_prefix_probs": "float32 shorter-context probabilities at each recorded step, bytes.",
    "playing": "Play is on.",
    "training": "Play or a background Train ×N is running.",
    "progress": '{"done", "total"} of a background Train ×N or loaded run; {} when idle.',
    "can_undo_reset": "A reset can be undone (until the next training step or settings change).",
    "errors": "Inline error messages by field; a field's message clears when a good value arrives.",
    "ensemble": "The last seed comparison (compare_seeds): per-seed chains and their spread; {} until computed.",
    "comparison": "The last comparison with another run (compare); {} until computed.",
    "hitting": "The last hitting curve (hitting_curve); {} until computed.",
    "inside": "The inside panel: one state's forward pass (explain); {} when closed.",
    "inside_replay": "The saved page's inside-panel replay; {} in a live widget.",
    "engine_state": "The run's state blob (weights, AdamW moments, step) when it rests; b'' if a page cannot train it.",
    "lesson_pages": "The lesson's pages (titles, texts with live figures, what each sets, highlights and waits for).",
    "lesson_page": "The lesson page on the card (0-based); -1 = closed. Moved by w.lesson.go(k) and the card.",
    "one_step": "The This step view: what one optimizer step did (step_report's summary); {} until asked.",
    "taught": "The last nudge or teach: the chain before it, the rows taught and what moved; {} otherwise.",
    "can_undo": 'What undo() takes back: "reset", "nudge" or "teach"; "" when nothing.',
    # the view, set by either side
    "shown_index": "The history index shown; -1 = live.",
    "graph_layout": 'How the chain is laid out: "circular" or "force".',
    "play_speed": "Play's steps per second; 0 = full speed.",
    "train_n": "The Train ×N button's step count.",
    "show_prefixes": "Draw the shorter start contexts too.",
    "temperature": "The temperature the chain is drawn and sampled at (0 = greedy).",
    "walk": "The last sampled walk: start, tokens, temperature and seed; {} for none.",
    "sample_n": "Tokens a Sample walk draws.",
    "sample_start": "The state walks start from.",
    "sample_seed": "The seed of the next Sample walk.",
    "naughty": "Marked states: reach probabilities are of visiting any of them.",
    "reach_k": "Steps within which a walk must reach a marked state.",
    "controls": "Which controls the widget shows (a subset of traits.CONTROLS).",
    "presentation": "Presentation mode: large type, a slower Play for a class to follow.",
    "open_sections": "The side panel's open sections (a subset of traits.SECTIONS, in their order).",
    "selected_state": 'The selected state (found with the find box: ringed, its row read out); "" for none.',
}


def document(traits: dict) -> None:
    """Give every trait its help line (a trait without one is a failing test: tests/test_widget_api.py)."""
    for name, trait in traits.items():
        if name in TRAIT_HELP:
            trait.help = trait.__doc__ = TRAIT_HELP[name]  # __doc__: help() shows it
