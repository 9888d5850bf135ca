"""widget: the Jupyter/marimo widget around one engine, the top layer.

`BabyGPTWidget` (`widget`) with its synced traits (`traits`), the Play/Stop loop that trains
in slices off the kernel's message loop (`play_loop`), the compare and hitting-curve requests
(`compare`), the inside view (`inside`), the state blob synced at rest (`engine_state`) and the
standalone page (`publish`: `write_page`, `python -m babygpt_widget page`).

May import: anything in the package (core/, analysis/, runs/, render/, the engine).
"""

from .widget import BabyGPTWidget

__all__ = ["BabyGPTWidget"]
