"""The widget's one error contract: field-named ValueErrors, short echoes, JSON-safe values."""

from __future__ import annotations

import math
import numbers
from contextlib import contextmanager
from typing import Any, Iterator

import numpy as np
import traitlets

MAX_MESSAGE = 300  # characters of an error message (echoed input included)
MAX_ECHO = 60  # characters of the offending value quoted in a message


class FieldError(traitlets.TraitError, ValueError):
    """A refused value: a ValueError for callers, a TraitError for traitlets (so a refused trait
    write is rolled back instead of sticking), and it remembers the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(clip(f"{field}: {message}"))
        self.field = field


def echo(value: Any) -> str:
    """A short, always-formattable quote of a value (huge ints, 10 MB strings, odd objects)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**30:
        return f"an integer of {value.bit_length()} bits"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a repr that raises is still bad input, not our crash
        text = f"<{type(value).__name__}>"
    return text if len(text) <= MAX_ECHO else text[: MAX_ECHO - 1] + "…"


def clip(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def check_count(field: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise FieldError(field, f"must be an integer from {low} to {high}; got {echo(value)}")
    return int(value)


def as_float(value: Any) -> float | None:
    """A real number (int, float, numpy scalar, Fraction; not bool) as a finite float, or None
    when it is not one or has no finite float (10**400, nan, inf)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        number = float(value)
    except (OverflowError, ValueError, TypeError):  # 10**5000, a Fraction too large for a float
        return None
    return number if math.isfinite(number) else None


def check_speed(value: Any, low: float, high: float) -> float:
    """play_speed: 0 (full speed) or a finite number of steps per second in [low, high]."""
    number = as_float(value)
    if number is None or not (number == 0 or low <= number <= high):
        raise FieldError("play_speed", f"must be 0 (full speed) or from {low:g} to {high:g} steps/s; got {echo(value)}")
    return number


def field_message(field: str, error: BaseException, value: Any) -> str:
    """The message of a refused value, in the contract's form ("field: why"), never echoing much."""
    text = str(error)
    if isinstance(error, FieldError) or text.startswith(f"{field}:"):
        return clip(text)
    return clip(f"{field}: {echo(value)} is not allowed here ({type(error).__name__})")


@contextmanager
def short_errors() -> Iterator[None]:
    """Re-raise a long ValueError (one that echoes a 10 MB input) as a clipped FieldError."""
    try:
        yield
    except FieldError:
        raise
    except ValueError as e:
        text = str(e)
        if len(text) <= MAX_MESSAGE:
            raise
        field = getattr(e, "field", None) or text.split(":")[0][:40]
        raise FieldError(field, text[len(field) + 2:]) from None


def check_optional(field: str, value: Any, kind: type | tuple[type, ...], what: str) -> None:
    """Types the engine expects (its own checks do the ranges): a wrong type is a ValueError here."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, kind)):
        raise FieldError(field, f"must be {what}; got {echo(value)}")
    check_printable(field, value)


def check_printable(field: str, value: Any) -> None:
    """Refuse values no message can quote (an int of 10**5000 digits cannot be formatted)."""
    try:
        repr(value)
    except ValueError:
        raise FieldError(field, f"out of range; got {echo(value)}") from None


def json_safe(value: Any) -> Any:
    """numpy scalars/arrays and tuples to plain JSON types, recursively (bytes kept for buffers)."""
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


class _FieldErrors:
    """Trait types whose type errors are FieldErrors too ("train_n: must be an int; got 'abc'")."""

    name: str

    def error(self, obj: Any, value: Any, error: Any = None, info: Any = None) -> None:
        raise FieldError(self.name or "value", f"must be {self.info()}; got {echo(value)}")


class Int(_FieldErrors, traitlets.Int):
    pass


class Float(_FieldErrors, traitlets.Float):
    def validate(self, obj: Any, value: Any) -> float:
        if isinstance(value, bool):  # traitlets would take True as 1.0
            self.error(obj, value)
        if isinstance(value, numbers.Integral) and as_float(value) is None:  # float(10**400) overflows
            raise FieldError(self.name or "value", f"must be a finite number; got {echo(value)}")
        return super().validate(obj, value)


class Unicode(_FieldErrors, traitlets.Unicode):
    pass


class Bool(_FieldErrors, traitlets.Bool):
    pass


class List(_FieldErrors, traitlets.List):
    pass


class Dict(_FieldErrors, traitlets.Dict):
    pass
