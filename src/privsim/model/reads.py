"""Which scenario values a replication read: the dependency set that lets experiments share a run.

A replication is a deterministic function of the values it reads. :func:`recorded` wraps a scenario so
every field read is written down as a dotted path (``behavior.churn.intent_trust``); a run of a
scenario that differs from the recorded one only in paths the record never touched reads the same
values, takes the same branches, and so gives the same result. The record is conservative: a method,
property or container read records the whole model or value it came from.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class Recorded:
    """A read-only view of a pydantic model that writes every path read into ``reads``."""

    __slots__ = ("_model", "_path", "_reads")

    def __init__(self, model: BaseModel, path: str, reads: set[str]):
        object.__setattr__(self, "_model", model)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_reads", reads)

    def __getattr__(self, name: str) -> Any:
        model, reads = self._model, self._reads
        value = getattr(model, name)
        if name not in type(model).model_fields:     # a method or property reads what it likes: all of it
            reads.add(self._path)
            return value
        path = f"{self._path}.{name}" if self._path else name
        if isinstance(value, BaseModel):
            return Recorded(value, path, reads)
        reads.add(path)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a recorded scenario is read-only")


def recorded(model: BaseModel, reads: set[str]) -> Any:
    """``model`` seen through a :class:`Recorded` view rooted at the empty path."""
    return Recorded(model, "", reads)


def touches(paths: Any, reads: set[str] | frozenset[str]) -> bool:
    """Whether changing any of ``paths`` could change a value that was read (a path, its parent or a child)."""
    if "" in reads:
        return True
    return any(p == r or p.startswith(r + ".") or r.startswith(p + ".") for p in paths for r in reads)
