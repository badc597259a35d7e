"""Documents other apps link to an O-item (a registry, so that this layer needs no upper one).

``reports`` registers a provider in its ``AppConfig.ready``: for an agency, a year and a set of
item stable keys it returns the agency's report documents that answer those items (the measures
plan answers O25 in 2569, O27 in 2568, O42 before: the link is each document's ``oit_item_key``,
matched against the year's catalogue, never a list of codes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LinkedDocument:
    item_key: str
    title: str
    url: str
    state: str


Provider = Callable[..., list[LinkedDocument]]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> None:
    """Add a provider ``provider(agency=, year=, keys=) -> list[LinkedDocument]`` (once)."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def linked_documents(*, agency, year: int, keys: set[str]) -> dict[str, list[LinkedDocument]]:
    """Every registered provider's documents for ``keys``, by item stable key."""
    found: dict[str, list[LinkedDocument]] = {}
    for provider in _PROVIDERS:
        for doc in provider(agency=agency, year=year, keys=keys):
            found.setdefault(doc.item_key, []).append(doc)
    return found
