"""babygpt-widget: a tiny GPT as a live Markov chain you can watch learn."""

from .config import ConfigError, RunConfig
from .engine import BabyGPT
from .trainer import TrainingDiverged

__all__ = ["BabyGPT", "BabyGPTWidget", "ConfigError", "RunConfig", "TrainingDiverged"]
__version__ = "0.1.0"


def __getattr__(name: str):  # the widget pulls in anywidget; the engine alone does not need it
    if name == "BabyGPTWidget":
        from .widget import BabyGPTWidget

        return BabyGPTWidget
    raise AttributeError(name)
