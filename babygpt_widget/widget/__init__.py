"""widget: the Jupyter/marimo widget around one engine, the top layer.

`BabyGPTWidget` (`widget`) with its synced traits (`traits`), the Play/Stop loop that trains
in slices off the kernel's message loop (`play_loop`), the compare and hitting-curve requests
(`compare`) and the inside view (`inside`).

May import: anything in the package (core/, analysis/, runs/, render/, the engine).
"""

from .widget import BabyGPTWidget

__all__ = ["BabyGPTWidget"]
