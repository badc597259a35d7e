"""Forms of the catalogue pages: start a year from another, edit a catalogue, its rating bands.

The forms only carry text; every rule (codes, keys, weights, merges, results that must not be
orphaned) is checked by ``framework_load``, so the browser, files and commands refuse the same
things with the same Thai messages. ``catalogue_data`` turns the posted forms into its dict.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.catalogue import framework_export
from indicators.models import Framework

SMALL = {"class": "form-control form-control-sm"}


class CopyForm(forms.Form):
    """Start ``to_year`` from ``from_year`` of one assessor."""

    assessor = forms.ChoiceField(label=_("ผู้ประเมิน"))
    from_year = forms.IntegerField(label=_("จากปี (ต้นแบบ)"), min_value=2500, max_value=2700)
    to_year = forms.IntegerField(label=_("ปีที่จะสร้าง"), min_value=2500, max_value=2700)

    def __init__(self, *args, assessors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].choices = [(a.code, f"{a.code} · {a.name}") for a in assessors]


class MetaForm(forms.Form):
    name = forms.CharField(label=_("ชื่อกรอบการประเมิน"), max_length=255, widget=forms.TextInput(attrs=SMALL))
    pass_mark = forms.CharField(label=_("เกณฑ์ผ่าน"), widget=forms.TextInput(attrs=SMALL))
    iit = forms.CharField(label=_("น้ำหนัก IIT"), widget=forms.TextInput(attrs=SMALL))
    eit = forms.CharField(label=_("น้ำหนัก EIT"), widget=forms.TextInput(attrs=SMALL))
    oit = forms.CharField(label=_("น้ำหนัก OIT"), widget=forms.TextInput(attrs=SMALL))
    is_confirmed = forms.BooleanField(label=_("ตรวจกับคู่มือฉบับทางการแล้ว"), required=False)
    source_note = forms.CharField(label=_("แหล่งที่มา / หมายเหตุ"), required=False, widget=forms.Textarea(attrs={**SMALL, "rows": 3}))


class ItemRowForm(forms.Form):
    """One item. ``merge_into`` names the stable key of the item this one is merged into."""

    code = forms.CharField(label=_("ข้อ"), required=False, widget=forms.TextInput(attrs={**SMALL, "size": 4}))
    indicator = forms.ChoiceField(
        label=_("ตัวชี้วัด"), required=False, widget=forms.Select(attrs={"class": "form-select form-select-sm"})
    )
    sub_area = forms.CharField(label=_("หัวข้อย่อย"), required=False, widget=forms.TextInput(attrs=SMALL))
    title = forms.CharField(label=_("ชื่อข้อ"), required=False, widget=forms.TextInput(attrs=SMALL))
    guideline = forms.CharField(
        label=_("แนวทางการจัดเตรียมข้อมูล"), required=False, widget=forms.Textarea(attrs={**SMALL, "rows": 2})
    )
    stable_key = forms.CharField(label=_("รหัสคงที่"), required=False, widget=forms.TextInput(attrs=SMALL))
    absorbs = forms.CharField(label=_("รวมข้อเดิม (รหัสคงที่)"), required=False, widget=forms.TextInput(attrs=SMALL))
    merge_into = forms.CharField(label=_("รวมเข้ากับข้อที่มีรหัสคงที่"), required=False, widget=forms.TextInput(attrs=SMALL))

    def __init__(self, *args, indicator_numbers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(str(n), str(n)) for n in indicator_numbers]

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(data.get(k) for k in ("code", "title", "stable_key"))


class RatingRowForm(forms.Form):
    label = forms.CharField(label=_("ระดับ"), required=False, max_length=100, widget=forms.TextInput(attrs=SMALL))
    min_score = forms.CharField(label=_("คะแนนรวมขั้นต่ำ"), required=False, widget=forms.TextInput(attrs=SMALL))
    min_iit = forms.CharField(label=_("IIT ขั้นต่ำ"), required=False, widget=forms.TextInput(attrs=SMALL))
    min_eit = forms.CharField(label=_("EIT ขั้นต่ำ"), required=False, widget=forms.TextInput(attrs=SMALL))
    min_oit = forms.CharField(label=_("OIT ขั้นต่ำ"), required=False, widget=forms.TextInput(attrs=SMALL))


ItemFormSet = forms.formset_factory(ItemRowForm, extra=3, can_delete=True)
RatingFormSet = forms.formset_factory(RatingRowForm, extra=2, can_delete=True)


def initial_of(framework: Framework) -> tuple[dict, list[dict], list[dict]]:
    """Initial data of the three forms from the stored catalogue."""
    data = framework_export(framework=framework)
    meta = {
        "name": data["name"],
        "pass_mark": data["pass_mark"],
        "iit": data["weights"]["iit"],
        "eit": data["weights"]["eit"],
        "oit": data["weights"]["oit"],
        "is_confirmed": data["is_confirmed"],
        "source_note": data["source_note"],
    }
    items = [
        {
            **{k: item[k] for k in ("code", "sub_area", "title", "stable_key")},
            "indicator": str(item["indicator"]),
            "absorbs": ", ".join(item.get("absorbs", [])),
            "guideline": item.get("guideline", ""),
        }
        for item in data["items"]
    ]
    ratings = [
        {
            "label": band["label"],
            "min_score": band["min_score"],
            **{f"min_{k}": v for k, v in (band.get("min_instruments") or {}).items()},
        }
        for band in data["rating"]
    ]
    return meta, items, ratings


def catalogue_data(framework: Framework, meta: MetaForm, items: ItemFormSet, ratings: RatingFormSet) -> tuple[dict, list[str]]:
    """The dict ``framework_load`` reads, built from valid forms; plus merge errors (Thai)."""
    data = framework_export(framework=framework)  # indicators are kept as stored
    m = meta.cleaned_data
    data.update(name=m["name"], pass_mark=m["pass_mark"], is_confirmed=m["is_confirmed"], source_note=m["source_note"])
    data["weights"] = {"iit": m["iit"], "eit": m["eit"], "oit": m["oit"]}
    rows, merges, errors = [], [], []
    for form in items.forms:
        if not form.cleaned_data or form.is_blank() or form.cleaned_data.get("DELETE"):
            continue
        c = form.cleaned_data
        row = {k: c[k] for k in ("code", "indicator", "sub_area", "title", "stable_key", "guideline")}
        row["absorbs"] = [k.strip() for k in c["absorbs"].replace(";", ",").split(",") if k.strip()]
        (merges if c["merge_into"].strip() else rows).append((row, c["merge_into"].strip()))
    by_key = {row["stable_key"]: row for row, _target in rows}
    for row, target in merges:
        into = by_key.get(target)
        if into is None:
            errors.append(str(_("ข้อ %(code)s: ไม่มีข้อที่มีรหัสคงที่ “%(key)s” ให้รวมเข้า")) % {"code": row["code"] or "?", "key": target})
            continue
        into["absorbs"] = [*into["absorbs"], *[k for k in (row["stable_key"], *row["absorbs"]) if k and k not in into["absorbs"]]]
    data["items"] = [row for row, _target in rows]
    data["rating"] = [
        {
            "label": c["label"],
            "min_score": c["min_score"],
            "min_instruments": {k: c[f"min_{k}"] for k in ("iit", "eit", "oit") if c.get(f"min_{k}", "").strip()},
        }
        for c in (form.cleaned_data for form in ratings.forms)
        if c and not c.get("DELETE") and (c.get("label") or c.get("min_score"))
    ]
    return data, errors
