"""The base of every model of the input format: strict keys, frozen values, finite numbers, no booleans as numbers.

YAML reads ``true`` as a boolean and pydantic would take it for 1; ``.inf`` and ``.nan`` are floats.
Neither is ever a valid number in a scenario, a case or a calibration target.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator

NUMBERS = (int, float)


class LocatedError(ValueError):
    """An error that knows the field it belongs to, relative to the model that raises it (see messages.py)."""

    def __init__(self, path: tuple[str | int, ...], message: str):
        super().__init__(message)
        self.path = path


class Strict(BaseModel):
    """Unknown keys are errors, values are immutable, floats are finite and booleans are not numbers."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _booleans_are_not_numbers(cls, data: Any) -> Any:
        """``true`` for a number (or in a list of numbers) is refused, located at its field."""
        if not isinstance(data, dict):
            return data
        for name, field in cls.model_fields.items():
            key = field.alias or name
            value = data.get(key, data.get(name))
            scalars, items = _kinds(field.annotation)
            if isinstance(value, bool) and scalars & set(NUMBERS) and bool not in scalars:
                raise LocatedError((key,), f"got {str(value).lower()}; allowed: a number, not true or false")
            if isinstance(value, list | tuple) and items & set(NUMBERS) and bool not in items:
                for i, v in enumerate(value):
                    if isinstance(v, bool):
                        raise LocatedError((key, i), f"got {str(v).lower()}; allowed: a number, not true or false")
        return data


def _kinds(annotation: Any) -> tuple[set[Any], set[Any]]:
    """Plain types an annotation admits as a value, and as items of a list or tuple."""
    scalars: set[Any] = set()
    items: set[Any] = set()
    stack = [(annotation, False)]
    while stack:
        a, inner = stack.pop()
        origin = typing.get_origin(a)
        if origin is typing.Annotated:
            stack.append((typing.get_args(a)[0], inner))
        elif origin in (typing.Union, types.UnionType):
            stack.extend((arg, inner) for arg in typing.get_args(a))
        elif origin in (list, tuple):
            stack.extend((arg, True) for arg in typing.get_args(a) if arg is not Ellipsis)
        elif isinstance(a, type):
            (items if inner else scalars).add(a)
    return scalars, items
