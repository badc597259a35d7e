"""Length limits on every text a printed document carries, applied to the forms that take them.

Text columns (TextField) have no length in the database; a 300,000-character memo body took 31 s
to lay out and killed the web worker. Each form that feeds a document mixes in
``BoundedTextMixin``: every text field without a ``max_length`` gets ``DEFAULT_MAX`` (or the
form's ``text_limits`` entry), a validator with Django's message (Thai through ``locale/th``) and
the ``maxlength`` attribute for the browser.
"""

from __future__ import annotations

from django import forms
from django.core.validators import MaxLengthValidator

DEFAULT_MAX = 5000
MEMO_BODY_MAX = 20000  # about eight pages of memo text; the preview of it renders in about 1 s


class BoundedTextMixin:
    text_limits: dict[str, int] = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if type(field) is not forms.CharField:  # typed subclasses (URL, e-mail, dates) bound themselves
                continue
            limit = self.text_limits.get(name, DEFAULT_MAX if field.max_length is None else field.max_length)
            if field.max_length is None or limit < field.max_length:
                field.max_length = limit
                field.validators.append(MaxLengthValidator(limit))
                field.widget.attrs["maxlength"] = str(limit)
