"""Staff pages of signing: my signature image (only I see it), and the agency's signing certificate.

Views change things only through :mod:`reports.signing`.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ita_portal.agencies import selectors as access
from reports import signing
from reports.models import AgencySigningKey, SignatureImage


class SignatureForm(forms.Form):
    image = forms.FileField(
        label=gettext_lazy("ภาพลายมือชื่อ (PNG หรือ JPEG พื้นหลังขาวหรือโปร่งใส ไม่เกิน ๑ MB)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg,image/png,image/jpeg"}),
    )


@login_required
def my_signature(request: HttpRequest) -> HttpResponse:
    """Upload or replace my signature image; the page shows it back to me only."""
    form = SignatureForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            signing.signature_image_set(user=request.user, upload=form.cleaned_data["image"])
        except ValidationError as exc:
            form.add_error("image", exc)
        else:
            messages.success(request, _("บันทึกภาพลายมือชื่อแล้ว จะพิมพ์เฉพาะบนเอกสารที่ท่านอนุมัติหรือลงนาม"))
            return redirect("reports:my_signature")
    current = SignatureImage.objects.filter(user=request.user).first()
    return render(request, "reports/my_signature.html", {"form": form, "current": current})


@login_required
def my_signature_image(request: HttpRequest) -> HttpResponse:
    """The image itself, for its owner's eyes only (there is no address for anyone else's)."""
    current = SignatureImage.objects.filter(user=request.user).first()
    if current is None or not current.image:
        raise Http404
    response = FileResponse(current.image.open("rb"), content_type=current.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


class Pkcs12Form(forms.Form):
    file = forms.FileField(label=gettext_lazy("ไฟล์ PKCS#12 (.p12 / .pfx) ที่มีกุญแจส่วนตัวและใบรับรอง"))
    password = forms.CharField(label=gettext_lazy("รหัสผ่านของไฟล์"), required=False, widget=forms.PasswordInput)


@login_required
def signing_key(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """The agency's signing certificate: see it, create it, or replace it with an uploaded PKCS#12."""
    agency = access.get_agency_for_write(request.user, agency_id, approve=True)
    form = Pkcs12Form(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if request.POST.get("generate"):
            signing.signing_key_for(agency)
            messages.success(request, _("สร้างกุญแจและใบรับรองของหน่วยงานแล้ว"))
            return redirect("reports:signing_key", agency_id=agency.pk, year=year)
        if form.is_valid():
            try:
                signing.signing_key_upload(
                    agency=agency,
                    actor=request.user,
                    data=form.cleaned_data["file"].read(),
                    password=form.cleaned_data["password"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("ใช้ใบรับรองที่อัปโหลดสำหรับลงนามเอกสารแล้ว"))
                return redirect("reports:signing_key", agency_id=agency.pk, year=year)
    record = AgencySigningKey.objects.filter(agency=agency).first()
    return render(request, "reports/signing_key.html", {"agency": agency, "year": year, "record": record, "form": form})


@login_required
def signing_certificate(request: HttpRequest, agency_id: int, year: int) -> HttpResponse:
    """The agency's certificate (public part only) as a .pem download, to add as trusted in Adobe Reader."""
    agency = access.get_agency_for_read(request.user, agency_id)
    record = AgencySigningKey.objects.filter(agency=agency).first()
    if record is None:
        raise Http404
    response = HttpResponse(record.certificate_pem, content_type="application/x-pem-file")
    response["Content-Disposition"] = f'attachment; filename="{agency.code}-signing.pem"'
    return response
