"""``|crispy_unbound``: an empty evidence form rendered once per language and digit rule, the same
markup as crispy's own; a bound form (input and errors) is rendered afresh every time."""

from __future__ import annotations

import pytest
from crispy_forms.templatetags import crispy_forms_filters
from django.utils import translation

from ita_portal.agencies.templatetags import static_forms
from ita_portal.thai import set_page_digits
from measures.forms.progress import EvidenceForm


@pytest.fixture(autouse=True)
def fresh(monkeypatch):
    monkeypatch.setattr(static_forms, "_rendered", {})
    calls = []
    real = crispy_forms_filters.as_crispy_form
    monkeypatch.setattr(static_forms, "as_crispy_form", lambda form: calls.append(form) or real(form))
    yield calls
    set_page_digits(False)


@pytest.mark.parametrize("language", ["th", "en"])
@pytest.mark.parametrize("thai_digits", [True, False])
def test_empty_form_is_crispys_markup_rendered_once(fresh, language, thai_digits):
    with translation.override(language):
        set_page_digits(thai_digits)
        first = static_forms.crispy_unbound(EvidenceForm())
        again = static_forms.crispy_unbound(EvidenceForm())
        assert first == again == crispy_forms_filters.as_crispy_form(EvidenceForm())
        assert len(fresh) == 1
        label = "หรือ ลิงก์" if language == "th" else "or a link"
        assert label.lower() in first.lower() and 'id="id_url"' in first


def test_languages_are_kept_apart_and_bound_forms_are_never_reused(fresh):
    with translation.override("th"):
        thai = static_forms.crispy_unbound(EvidenceForm())
    with translation.override("en"):
        english = static_forms.crispy_unbound(EvidenceForm())
    assert thai != english and len(fresh) == 2
    bound = EvidenceForm({"url": "ไม่ใช่ลิงก์"})
    with translation.override("th"):
        html = static_forms.crispy_unbound(bound)
        assert "ลิงก์ไม่ถูกต้อง" in html and 'value="ไม่ใช่ลิงก์"' in html
        static_forms.crispy_unbound(EvidenceForm({"url": ""}))
    assert len(fresh) == 4  # both bound forms rendered by crispy


def test_forms_that_do_not_say_so_are_rendered_every_time(fresh):
    from measures.forms.progress import ProgressForm

    with translation.override("th"):
        static_forms.crispy_unbound(ProgressForm())
        static_forms.crispy_unbound(ProgressForm())
    assert len(fresh) == 2
