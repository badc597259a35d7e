"""The form renderer: Django's own, with the commonest widget templates written in Python.

Every ``<input>``, ``<select>`` (each ``<option>`` in it) and ``<textarea>`` Django renders goes
through three to five template renders (the widget, ``input.html``, ``attrs.html``, one
``select_option.html`` per option). On a score-entry or filter page that is thousands of node renders
per request for markup that never varies. ``FastWidgetRenderer`` produces the very same bytes
(``tests/test_form_renderer.py`` compares them with Django's templates widget by widget) for the
templates below, and leaves every other template (forms, field wrappers, crispy-forms, the admin's
own widgets, radio and checkbox lists) to Django's template renderer. A project template that
overrides one of these names would be ignored, so the renderer refuses to start if one exists.
"""

from __future__ import annotations

import datetime as dt

from django.forms.renderers import DjangoTemplates
from django.utils import timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData

_W = "django/forms/widgets/"
_OPTION = _W + "select_option.html"


def _value(value) -> str:
    """``{{ value }}`` in a template: local time, localised, escaped."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return str(conditional_escape(localize(value)))


def _string(value) -> str:
    """``{{ value|stringformat:'s' }}``: str() (kept safe when the value was), then escaped."""
    text = "%s" % (value,)  # noqa: UP031 (the filter's own formatting)
    return text if isinstance(value, SafeData) else str(conditional_escape(text))


def _attrs(attrs: dict) -> str:
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_value(name)}" if value is True else f' {_value(name)}="{_string(value)}"')
    return "".join(out)


def _input(w: dict) -> str:
    value = f' value="{_string(w["value"])}"' if w["value"] is not None else ""
    return f'<input type="{_value(w["type"])}" name="{_value(w["name"])}"{value}{_attrs(w["attrs"])}>\n'


def _including_input(w: dict) -> str:
    # text.html, number.html … are `{% include "django/forms/widgets/input.html" %}` and a newline.
    return _input(w) + "\n"


def _option(w: dict) -> str:
    return f'<option value="{_string(w["value"])}"{_attrs(w["attrs"])}>{_value(w["label"])}</option>\n'


def _select(w: dict) -> str | None:
    parts = [f'<select name="{_value(w["name"])}"{_attrs(w["attrs"])}>']
    for group_name, group_choices, _index in w["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_value(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _OPTION:
                return None
            parts.append("\n  " + _option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _textarea(w: dict) -> str:
    value = _value(w["value"]) if w["value"] else ""
    return f'<textarea name="{_value(w["name"])}"{_attrs(w["attrs"])}>\n{value}</textarea>\n'


FAST = {
    _W + "input.html": _input,
    **{
        _W + f"{name}.html": _including_input
        for name in (
            "text",
            "number",
            "email",
            "url",
            "password",
            "hidden",
            "checkbox",
            "date",
            "datetime",
            "time",
            "search",
            "tel",
            "color",
            "file",
        )
    },
    _W + "select.html": _select,
    _OPTION: _option,
    _W + "textarea.html": _textarea,
}


class FastWidgetRenderer(DjangoTemplates):
    """``settings.FORM_RENDERER``: see the module docstring."""

    def render(self, template_name, context, request=None):
        fast = FAST.get(template_name)
        if fast is not None and "widget" in context:
            html = fast(context["widget"])
            if html is not None:
                return html.strip()  # as BaseRenderer.render strips a template's output
        return super().render(template_name, context, request)
