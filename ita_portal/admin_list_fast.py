"""The admin changelist's cells, written as Django writes them with the per-column work done once.

Django's ``items_for_result`` (``django.contrib.admin.templatetags.admin_list``) works out for every
cell of a changelist what only depends on its column: which field or method the column names
(``lookup_field``'s field lookup and attribute probing), the cell's CSS class, whether it links,
the empty-value text; and for each row's link it reverses the change URL and re-parses it to add
the preserved filters (a ``resolve()`` per row when the list is filtered). On the supervisors'
lists (50 rows × 6–8 columns) that was about a third of the page.

:func:`items_for_result` decides those per column once per changelist (:func:`_columns`, kept on
the ``ChangeList``), builds the row's link from one reversed URL with a placeholder primary key,
and writes each cell with ``conditional_escape`` where Django calls ``format_html`` on the same
arguments, so the HTML is byte for byte Django's (``tests/test_admin_site.py`` compares every
registered changelist, filtered and not, in both languages, with Django's own). Popups, editable
lists (``list_editable``), changelists with their own ``url_for_result`` and non-integer primary
keys keep Django's function.
"""

from __future__ import annotations

import datetime as dt
import typing

from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.utils import FieldIsAForeignKeyColumnName, _get_non_gfk_field, lookup_field
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.urls import NoReverseMatch
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

__all__ = ["django_items_for_result", "install", "items_for_result"]

django_items_for_result = admin_list.items_for_result

# A primary key no row has, reversed once per changelist and replaced by each row's.
_PLACEHOLDER = "8471ItaPk0Placeholder"

_FIELD, _CALLABLE, _ADMIN, _OTHER = range(4)


class _Column(typing.NamedTuple):
    name: typing.Any
    kind: int
    field: models.Field | None  # the model field (kind _FIELD)
    attr: typing.Any  # the callable (kinds _CALLABLE, _ADMIN)
    base_class: SafeString  # ' class="field-…"': the cell's class when the lookup fails
    row_class: SafeString  # the cell's class after a lookup (a date/time value adds nowrap where Django does)
    nowrap_class: SafeString
    empty: typing.Any  # what an empty value shows (the column's own empty_value_display first)
    boolean: bool
    link: bool
    tag: str  # th for the first linked column, else td
    many_to_one: bool


class _Columns(typing.NamedTuple):
    opts: typing.Any
    columns: list[_Column]
    url: str | None  # the change URL with _PLACEHOLDER for the primary key, preserved filters added
    url_error: bool  # the change URL does not reverse: links are left out, as Django does


def _class(classes: list[str]) -> SafeString:
    # Django marks this safe as it is; the names are identifiers, so escaping changes nothing.
    return format_html(' class="{}"', " ".join(classes))


def _link_in_col(cl, is_first: bool, field_name) -> bool:
    if cl.list_display_links is None:
        return False
    if is_first and not cl.list_display_links:
        return True
    return field_name in cl.list_display_links


def _columns(cl, result) -> _Columns:
    opts = result._meta
    model_admin = cl.model_admin
    empty_default = model_admin.get_empty_value_display()
    columns, first = [], True
    for field_index, field_name in enumerate(cl.list_display):
        base = [f"field-{admin_list._coerce_field_name(field_name, field_index)}"]
        link = _link_in_col(cl, first, field_name)
        tag = "th" if link and first else "td"
        if link:
            first = False
        try:
            field = _get_non_gfk_field(opts, field_name)
        except (FieldDoesNotExist, FieldIsAForeignKeyColumnName):
            field = None
            if callable(field_name):
                kind, attr = _CALLABLE, field_name
            elif hasattr(model_admin, field_name) and field_name != "__str__":
                kind, attr = _ADMIN, getattr(model_admin, field_name)
            else:
                kind, attr = _OTHER, None
        else:
            kind, attr = _FIELD, None
        if kind == _FIELD and not field.auto_created:
            classes = [*base, "nowrap"] if isinstance(field, models.DateField | models.TimeField | models.ForeignKey) else base
            row_class = nowrap_class = _class(classes)
            many_to_one = isinstance(field.remote_field, models.ManyToOneRel)
        else:
            classes = ["action-checkbox"] if field_name == "action_checkbox" else base
            row_class, nowrap_class = _class(classes), _class([*classes, "nowrap"])
            many_to_one = False
        boolean = getattr(attr, "boolean", False)
        if isinstance(attr, property) and hasattr(attr, "fget"):
            boolean = getattr(attr.fget, "boolean", False)
        columns.append(
            _Column(
                field_name,
                kind,
                field,
                attr,
                _class(base),
                row_class,
                nowrap_class,
                getattr(attr, "empty_value_display", empty_default),
                boolean,
                link,
                tag,
                many_to_one,
            )
        )
    url, url_error = None, False
    if any(c.link for c in columns):
        try:
            url = cl.url_for_result(_Placeholder(cl.pk_attname))
        except NoReverseMatch:
            url_error = True
        else:
            url = add_preserved_filters({"preserved_filters": cl.preserved_filters, "opts": cl.opts}, url)
    return _Columns(opts, columns, url, url_error)


class _Placeholder:
    """Stands for a row in ``url_for_result``: its primary key is :data:`_PLACEHOLDER`."""

    def __init__(self, attname: str):
        setattr(self, attname, _PLACEHOLDER)


def _fast(cl, form) -> bool:
    if form is not None:
        return False
    fast = cl.__dict__.get("_ita_fast")
    if fast is None:  # the same for every row of the list: decided once
        fast = cl._ita_fast = (
            not cl.is_popup
            and not cl.to_field
            and type(cl).url_for_result is ChangeList.url_for_result
            and isinstance(cl.lookup_opts.pk, models.AutoField | models.IntegerField)
        )
    return fast


def items_for_result(cl, result, form):
    """Django's ``items_for_result`` (same cells, same HTML) with the per-column work done once."""
    if not _fast(cl, form):
        yield from django_items_for_result(cl, result, form)
        return
    prepared = cl.__dict__.get("_ita_columns")
    if prepared is None or prepared.opts is not result._meta:
        prepared = cl._ita_columns = _columns(cl, result)
    display_for_value, display_for_field = admin_list.display_for_value, admin_list.display_for_field
    for column in prepared.columns:
        row_class = column.row_class
        try:
            if column.kind == _FIELD:
                value = getattr(result, column.name)
                attr, empty = None, column.empty
            elif column.kind == _OTHER:
                _field, attr, value = lookup_field(column.name, result, cl.model_admin)
                empty = getattr(attr, "empty_value_display", column.empty)
            else:
                attr, value, empty = column.attr, column.attr(result), column.empty
        except ObjectDoesNotExist:
            result_repr = cl.model_admin.get_empty_value_display()
            row_class = column.base_class
        else:
            if isinstance(value, str) and value.strip() == "":
                value = ""
            field = column.field
            if field is None or field.auto_created:
                boolean = column.boolean
                if column.kind == _OTHER:
                    boolean = getattr(attr, "boolean", False)
                    if isinstance(attr, property) and hasattr(attr, "fget"):
                        boolean = getattr(attr.fget, "boolean", False)
                result_repr = display_for_value(value, empty, boolean)
                if isinstance(value, dt.date | dt.time):
                    row_class = column.nowrap_class
            elif column.many_to_one:
                field_val = getattr(result, field.name)
                result_repr = empty if field_val is None else field_val
            else:
                result_repr = display_for_field(value, field, empty, avoid_link=column.link)
        if column.link:
            if prepared.url_error:
                link_or_text = conditional_escape(result_repr)
            else:
                path, mark, query = prepared.url.partition("?")
                pk = str(getattr(result, cl.pk_attname))
                url = path.replace(_PLACEHOLDER, pk) + mark + query
                link_or_text = f'<a href="{conditional_escape(url)}">{conditional_escape(result_repr)}</a>'
            # format_html's output for the same arguments: the tag and class are safe strings of
            # this module, the link's URL and text went through conditional_escape above.
            yield mark_safe(f"<{column.tag}{row_class}>{link_or_text}</{column.tag}>")  # noqa: S308
        else:
            yield mark_safe(f"<td{row_class}>{conditional_escape(result_repr)}</td>")  # noqa: S308


def install() -> None:
    """Put :func:`items_for_result` where the changelist's ``results`` looks it up (once)."""
    admin_list.items_for_result = items_for_result
