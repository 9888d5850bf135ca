"""core: the model and its training, the bottom layer.

Settings (`config`), input checks (`checks`, `field_checks`), tokens, the GPT (`model`,
`block_function`), its optimizer step (`fused_adamw`), training and evaluation over the chain's
states (`trainer`, `trie_train`, `trie_eval`, `chain`), what a run remembers (`history`,
`snapshots`), the bodies of the engine's `configure` and `train` (`run_training`) and the
threading and memory policy (`threads`, `memory_release`, `progress`, `version`).

May import: core/ only (and torch, numpy, traitlets). Everything else imports from here.
"""
