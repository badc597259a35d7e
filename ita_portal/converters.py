"""URL converter ``<fy:year>``: a Buddhist-Era fiscal year any catalogue, assessment or plan can have.

Frameworks, measures and reports are limited to 2500–2700 by database checks, so a year outside
that range (``/measures/a/1/9999/``) cannot name anything: it does not match and the request is a
404 instead of an empty page. Every ``urls.py`` with a year imports this module first.
"""

from __future__ import annotations

from django.urls import register_converter

FIRST_YEAR, LAST_YEAR = 2500, 2700


class FiscalYearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = int(value)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"fiscal year out of range: {year}")  # Django answers 404
        return year

    def to_url(self, value: int) -> str:
        return str(int(value))


register_converter(FiscalYearConverter, "fy")
