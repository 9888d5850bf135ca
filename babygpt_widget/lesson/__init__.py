"""lesson: a lesson is data — pages a widget shows on a card beside the chain, one at a time.

The structure and its validation (`schema`: field-named ValueErrors like
``lesson[3].wait.action: must be one of …``), the live figures a page's text may hold and how
they are computed from what the widget shows (`figures`, twin of js/model/lessonFigures.ts), and
the built-in lesson that tells the seed's story (`seed`).

May import: core/ and lesson/.
"""

from .figures import FigureContext, fill
from .schema import ACTIONS, CONTROLS, PANELS, LessonError, validate_lesson
from .seed import SEED_LESSON

__all__ = ["ACTIONS", "CONTROLS", "PANELS", "FigureContext", "LessonError", "SEED_LESSON", "fill", "validate_lesson"]
