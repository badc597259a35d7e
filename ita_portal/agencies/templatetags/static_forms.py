"""``{{ form|crispy_unbound }}``: crispy's ``|crispy`` of an empty (unbound) form, rendered once per
process for each language and digit rule and then reused.

An unbound form's markup depends only on its class (fields, labels, help texts, widgets), the
request's language and the page's digit rule; crispy still renders its templates for it on every
request (the measure page's evidence form: about 2 ms, a tenth of the page's Python). Only forms
whose class says so (``crispy_unbound = True``: an ``__init__`` that changes nothing, no callable
initial values) are reused; a bound form (with the user's input and errors) or any other form is
rendered by crispy as it is, every time.
"""

from __future__ import annotations

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import template
from django.utils.translation import get_language

from ita_portal.thai import page_thai_digits

register = template.Library()

_rendered: dict[tuple, str] = {}


def _reusable(form) -> bool:
    return (
        getattr(type(form), "crispy_unbound", False)
        and not form.is_bound
        and not form.initial
        and not any(callable(field.initial) for field in form.fields.values())
    )


@register.filter
def crispy_unbound(form):
    """``|crispy``, reused for an unbound form of a class with ``crispy_unbound = True``."""
    if not _reusable(form):
        return as_crispy_form(form)
    key = (type(form), get_language(), bool(page_thai_digits()), form.prefix, form.auto_id, form.label_suffix)
    html = _rendered.get(key)
    if html is None:
        html = _rendered[key] = as_crispy_form(form)
    return html
