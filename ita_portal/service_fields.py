"""The one helper services use to copy keyword arguments onto a model instance.

Services take ``**fields`` for the plain columns of their row; a name outside the service's allowed
set is a programming error (a typo, or a field that needs its own service), so it raises
``TypeError`` before anything is set instead of being silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def check_fields(fields: Mapping[str, object], allowed: Iterable[str], what: str = "") -> None:
    """Raise ``TypeError`` naming every key of ``fields`` that is not in ``allowed``."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unknown {what + ' ' if what else ''}fields: {sorted(unknown)}")


def apply_fields(obj, fields: Mapping[str, object], allowed: Iterable[str], what: str = "") -> None:
    """Set ``fields`` on ``obj`` after ``check_fields``; nothing is set when one name is unknown."""
    check_fields(fields, allowed, what)
    for key, value in fields.items():
        setattr(obj, key, value)
