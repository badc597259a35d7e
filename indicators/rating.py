"""The qualitative rating of 2568 onward (ผ่านดี / ผ่าน …), computed from a framework's own bands.

The NACC publishes the rating beside the score but its rule table is not known (an agency with
94.64 was rated only ผ่าน because its EIT was below 85), so nothing here assumes a rule: the bands
are data of the framework (``Framework.rating_rules``, entered by a catalogue editor or loaded from
the framework file). No bands, no rating. Kept free of model imports so models and templates can
use it.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal


def rating_for(rules: list[dict] | None, overall: Decimal | None, instruments: Mapping[str, Decimal | None]) -> str:
    """The label of the first band (best first) whose minimums the scores reach; "" if none or no bands.

    ``instruments`` maps "iit"/"eit"/"oit" to the instrument scores; a band that asks for a minimum
    of an instrument without a score is not reached.
    """
    if not rules or overall is None:
        return ""
    for band in rules:
        if Decimal(str(overall)) < Decimal(str(band.get("min_score", "0"))):
            continue
        minimums = band.get("min_instruments") or {}
        if all(
            instruments.get(key) is not None and Decimal(str(instruments[key])) >= Decimal(str(value))
            for key, value in minimums.items()
        ):
            return band["label"]
    return ""


def describe_band(band: dict) -> str:
    """One band as a line of text: 'ผ่านดี: คะแนนรวม ≥ 90, EIT ≥ 85'."""
    parts = [f"≥ {Decimal(str(band['min_score'])).normalize():f}"]
    parts += [
        f"{key.upper()} ≥ {Decimal(str(value)).normalize():f}" for key, value in (band.get("min_instruments") or {}).items()
    ]
    return f"{band['label']}: " + ", ".join(parts)
