"""``FastWidgetRenderer`` writes the same bytes as Django's widget templates, widget by widget."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from ita_portal.form_renderer import FAST, FastWidgetRenderer


class Everything(forms.Form):
    text = forms.CharField(max_length=20, widget=forms.TextInput(attrs={"class": "a b", "data-x": '"<&>'}))
    number = forms.DecimalField(initial=Decimal("95.67"))
    integer = forms.IntegerField(required=False)
    email = forms.EmailField(initial="a&b@example.go.th")
    url = forms.URLField(initial="https://example.go.th/ita/2567/O42/?a=1&b=2")
    password = forms.CharField(widget=forms.PasswordInput(render_value=True), initial="<secret>")
    hidden = forms.CharField(widget=forms.HiddenInput, initial=mark_safe("<b>safe</b>"))
    checked = forms.BooleanField(initial=True)
    unchecked = forms.BooleanField(required=False)
    date = forms.DateField(initial=dt.date(2024, 6, 14), widget=forms.DateInput(attrs={"autocomplete": "off", "required": False}))
    when = forms.DateTimeField(initial=dt.datetime(2024, 6, 14, 9, 30))
    time = forms.TimeField(initial=dt.time(9, 30))
    search = forms.CharField(widget=forms.SearchInput, required=False)
    tel = forms.CharField(widget=forms.TelInput, initial="0 2123 4567")
    colour = forms.CharField(widget=forms.ColorInput, initial="#ff0000")
    upload = forms.FileField(required=False, widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}))
    choice = forms.ChoiceField(choices=[("", gettext_lazy("— ยังไม่ระบุ —")), ("1", "ผ่าน"), ("0", "ไม่ผ่าน & <x>")], initial="1")
    year = forms.TypedChoiceField(choices=[(2567, 2567), (2568, 2568)], coerce=int, initial=2568)
    grouped = forms.ChoiceField(
        choices=[("กลุ่ม ก", [("a", "ก"), ("b", "ข")]), ("กลุ่ม <ข>", [("c", "ค")]), ("d", "ง")], initial="c", required=False
    )
    many = forms.MultipleChoiceField(choices=[("x", "X"), ("y", "Y"), ("z", "Z")], initial=["x", "z"], required=False)
    nullable = forms.NullBooleanField(initial=None)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), initial="บรรทัด 1\n<b>&amp;</b>")
    empty_note = forms.CharField(widget=forms.Textarea, required=False)


@pytest.mark.parametrize("lang", ["th", "en"])
@pytest.mark.parametrize("bound", [False, True])
def test_every_fast_widget_is_byte_for_byte_djangos(lang, bound):
    data = {
        "text": "พิมพ์ <มา>",
        "number": "๙๕.๖๗",
        "checked": "on",
        "choice": "0",
        "grouped": "a",
        "many": ["y"],
        "note": "x\n<y>",
    }
    with translation.override(lang):
        fast = Everything(data if bound else None, renderer=FastWidgetRenderer())
        stock = Everything(data if bound else None, renderer=DjangoTemplates())
        for name in Everything.base_fields:
            assert str(fast[name]) == str(stock[name]), name
    used = {type(f.widget).template_name for f in Everything.base_fields.values()} | {"django/forms/widgets/select_option.html"}
    assert set(FAST) - {"django/forms/widgets/input.html"} <= used, "every fast template is compared above"


def test_other_templates_still_go_through_django():
    class Radios(forms.Form):
        pick = forms.ChoiceField(choices=[("1", "หนึ่ง"), ("2", "สอง")], widget=forms.RadioSelect)
        boxes = forms.MultipleChoiceField(choices=[("1", "หนึ่ง")], widget=forms.CheckboxSelectMultiple)

    fast, stock = Radios(renderer=FastWidgetRenderer()), Radios(renderer=DjangoTemplates())
    assert str(fast["pick"]) == str(stock["pick"]) and str(fast["boxes"]) == str(stock["boxes"])
    assert str(fast) == str(stock)


def test_the_portal_uses_it_and_no_template_overrides_a_fast_one():
    assert isinstance(get_default_renderer(), FastWidgetRenderer)
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for name in FAST:
            assert not (Path(folder) / name).exists(), f"{name} is overridden in {folder}: FastWidgetRenderer would ignore it"


def test_templates_are_compiled_once_per_process():
    """The cached template loader (Django's default when no loaders are named) holds every template."""
    from django.template import engines

    loaders = engines["django"].engine.template_loaders
    assert [type(loader).__module__ for loader in loaders] == ["django.template.loaders.cached"]
