"""Shared pieces of every document: digits, BE dates, names, numbered lists and the memo itself.

Documents are built in two steps. ``gather`` (one module per kind) reads the portal's data and
returns a plain, JSON-serialisable dict whose strings are already as printed (digits as chosen,
Buddhist-Era dates). That dict is stored as the rendition's ``source_data`` and is the only input
of the templates, so a frozen PDF can always be traced to exactly what it was made from.
"""

from __future__ import annotations

import base64
import datetime as dt
import mimetypes
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.storage import FileSystemStorage
from django.utils import timezone

from ita_portal import thai
from reports.models import Report
from reports.signing import signature_url_of

#: Runs of text whose characters are printed as typed whatever the document's digits: URLs,
#: e-mail addresses, file names and codes of letters, digits and separators (``ITA-2567-01``).
#: Thai-digit mode must never turn ``/ita/2567/O42/`` into ``/ita/๒๕๖๗/O๔๒/``: the link breaks.
VERBATIM_RE = re.compile(
    r"(?:https?://|ftp://|www\.)[A-Za-z0-9\u0e50-\u0e59\-._~:/?#\[\]@!$&()*+,;=%]+"  # URLs (Thai text may follow unspaced)
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|[\w.-]*\w\.(?:pdf|docx?|xlsx?|pptx?|csv|txt|jpe?g|png|gif|zip|rar|odt|ods)\b"  # file names
    r"|\b(?=[\w./-]*[A-Za-z])(?=[\w./-]*[0-9\u0e50-\u0e59])[A-Za-z0-9\u0e50-\u0e59]+(?:[/_.-][A-Za-z0-9\u0e50-\u0e59]+)+",
    re.IGNORECASE | re.ASCII,
)


def convert_digits(value: object, *, thai_digits: bool) -> str:
    """``value`` with its digits in the chosen set, except inside :data:`VERBATIM_RE` runs."""
    text = str(value)
    convert = thai.to_thai_digits if thai_digits else thai.to_arabic_digits
    out, last = [], 0
    for match in VERBATIM_RE.finditer(text):
        out.append(convert(text[last : match.start()]))
        out.append(match.group(0))
        last = match.end()
    out.append(convert(text[last:]))
    return "".join(out)


@dataclass(frozen=True)
class Fmt:
    """Formatting choices of one document part (digits)."""

    thai_digits: bool

    def d(self, value: object) -> str:
        """Any text with its digits in the chosen set (URLs, e-mails, file names, codes as typed)."""
        if value is None:
            return ""
        # Both ways: Thai digits typed into an Arabic-digit document are converted too.
        return convert_digits(value, thai_digits=self.thai_digits)

    def date(self, day: dt.date | dt.datetime | None, *, abbr: bool = False) -> str:
        if isinstance(day, dt.datetime):
            day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
        return thai.format_date(day, thai_digits=self.thai_digits, abbr=abbr)

    def money(self, amount: Decimal | int | None) -> str:
        if amount is None:
            return ""
        if Decimal(amount) == Decimal(amount).to_integral_value():
            return self.d(f"{int(amount):,}")
        return thai.format_baht(amount, thai_digits=self.thai_digits)

    def score(self, value: Decimal | None) -> str:
        return "" if value is None else self.d(f"{Decimal(value):.2f}")

    def numbered(self, texts: list[str]) -> list[str]:
        """'๑. …', '๒. …' — numbered list items as the seeds print them inside table cells."""
        return [f"{self.d(i)}. {self.d(t.strip())}" for i, t in enumerate(texts, start=1) if t and t.strip()]

    def period(self, start: dt.date | None, end: dt.date | None, text: str = "") -> str:
        if text:
            return self.d(text)
        if start and end:
            if start.year == end.year:
                return self.d(f"{thai.MONTHS[start.month - 1]} – {thai.MONTHS[end.month - 1]} {thai.be_year(end)}")
            return f"{self.date(start)} – {self.date(end)}"
        return self.date(start or end)


def paragraphs(text: str) -> list[str]:
    """Split typed text into paragraphs at blank lines; single line breaks join with a space."""
    out = []
    for block in (text or "").replace("\r\n", "\n").split("\n\n"):
        joined = " ".join(line.strip() for line in block.split("\n") if line.strip())
        if joined:
            out.append(joined)
    return out


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n") if line.strip()]


def emblem_url(report: Report) -> str:
    """The agency's uploaded emblem for the PDF, or ''.

    On the local folder it is a ``/media/…`` URL the PDF fetcher reads from MEDIA_ROOT; on object
    storage (several hosts, no shared disk) it is a ``data:`` URL of the bytes read through the
    storage, because the fetcher never goes to the network and the bucket is private.
    """
    emblem = report.agency.emblem
    if not emblem:
        return ""
    try:
        if not emblem.storage.exists(emblem.name):
            return ""
        if isinstance(emblem.storage, FileSystemStorage):
            return emblem.url
        with emblem.storage.open(emblem.name, "rb") as handle:
            data = handle.read()
    except (ValueError, OSError):
        return ""
    mime = mimetypes.guess_type(emblem.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


#: Where the ส่วนราชการ code goes when neither the report nor its agency names one: a blank to
#: write it in by hand, as the seeds leave the running number blank ("ที่ ศธ ๐๔๑๑๔/").
PREFIX_BLANK = "............"


def doc_number_text(report: Report, fmt: Fmt) -> str:
    """'ศธ ๐๔๑๑๔/๑๒' once numbered; the prefix and a slash (number written later) before.

    The code is the report's own (typed in the form), else the agency's; never a bare running
    number ("ที่ ๑" is no document number): without a code the blank for it is printed."""
    prefix = (report.doc_prefix or "").strip() or report.agency.doc_prefix.strip()
    number = fmt.d(report.doc_number) if report.doc_number else ""
    if not prefix:
        return f"{PREFIX_BLANK}/{number}" if number else ""
    return fmt.d(f"{prefix}/") + number


def memo_source(report: Report, fmt: Fmt) -> dict:
    """The cover memo (บันทึกข้อความ) as printed: header, body, proposals, signatures, endorsement."""
    agency = report.agency
    department = report.department_line.strip()
    parts: list[str] = []
    if not department:
        # Agency, division and phone separately, so each is kept on one line where it fits.
        parts = [agency.name]
        if report.division_id:
            parts.append(report.division.name)
        if agency.phone:
            parts.append(f"โทร. {agency.phone}")
        department = " ".join(parts)
    endorsement = None
    signed = is_signed_off(report)
    if report.state in ("approved", "published") and report.decision:
        endorsement = {
            "signature_url": signature_url_of(report.approved_by_id) if signed else "",
            "decision": report.decision,
            "note": fmt.d(report.decision_note.strip()),
            "name": fmt.d(report.approver_name),
            "position": report.approver_position or agency.head_title,
            "date": fmt.date(report.endorsed_on or report.approved_at),
        }
    return {
        "emblem_url": emblem_url(report),
        "department": fmt.d(department),
        "department_parts": [fmt.d(p) for p in parts],
        "number": doc_number_text(report, fmt),
        "date": fmt.date(report.doc_date),
        "subject": fmt.d(report.subject),
        "addressee": fmt.d(report.addressee or agency.head_title),
        "paragraphs": [fmt.d(p) for p in paragraphs(report.body)],
        "proposals": [fmt.d(p) for p in lines(report.proposals)],
        "closing": fmt.d(report.closing),
        "signer_name": fmt.d(report.signer_name),
        "signer_signature_url": signature_url_of(_signer_user_id(report)) if signed else "",
        "signer_position": fmt.d(report.signer_position),
        "endorsement": endorsement,
        "reviews": review_notes(report, fmt, signed=signed),
    }


def is_signed_off(report: Report) -> bool:
    """Signature images print only on an approved document (never on a draft or review copy)."""
    return report.state in ("approved", "published", "revoked") and bool(report.approved_by_id)


def _signer_user_id(report: Report) -> int | None:
    """The person whose signature block the memo prints: whoever submitted it, when the printed
    signer name is theirs (a memo signed for someone else prints no image)."""
    from ita_portal.agencies.models import Membership

    submit = report.events.filter(action="submit").order_by("-pk").first()
    if submit is None or not submit.actor_id:
        return None
    member = Membership.objects.filter(agency=report.agency, user_id=submit.actor_id).first()
    if member is None or member.full_name.replace(" ", "") != report.signer_name.replace(" ", ""):
        return None
    return submit.actor_id


def review_notes(report: Report, fmt: Fmt, *, signed: bool = False) -> list[dict]:
    """The notes (เกษียณหนังสือ) of the chain's people who forwarded the memo in its latest round,
    in order: note lines, name, position and the short date, as seed 000 prints them under the
    drafter's signature and above the director's endorsement."""
    if not report.review_round:
        return []
    steps = report.review_steps.filter(round=report.review_round, outcome="forward").order_by("order")
    return [
        {
            "lines": [fmt.d(line) for line in lines(step.note)],
            "name": fmt.d(step.reviewer_name),
            "position": fmt.d(step.reviewer_position),
            "date": fmt.date(step.done_at, abbr=True),
            "signature_url": signature_url_of(step.reviewer_id) if signed else "",
        }
        for step in steps
    ]


def head_signature(report: Report, fmt: Fmt, director=None) -> dict:
    """Name and position under a head-of-agency signature line at the end of an attachment.

    Before approval the line is left for a hand signature with the director's printed name (as the
    seeds do); after approval the approver's name is printed.
    """
    if report.approver_name:
        return {
            "name": fmt.d(report.approver_name),
            "position": fmt.d(report.approver_position or report.agency.head_title),
            "signature_url": signature_url_of(report.approved_by_id) if is_signed_off(report) else "",
        }
    return {
        "name": fmt.d(director.full_name) if director else "",
        "position": fmt.d((director.position_title if director else "") or report.agency.head_title),
    }


def responsible_text(measure, fmt: Fmt) -> list[str]:
    """Divisions, then named people, then the free note — one line each, as the seeds list them."""
    out = [d.name for d in measure.responsible_divisions.all()]
    out += [p.full_name for p in measure.responsible_people.all()]  # digits converted below
    if measure.responsible_note:
        out.append(measure.responsible_note)
    return [fmt.d(x) for x in out]


def item_label(item, fmt: Fmt) -> str:
    return fmt.d(f"{item.code} {item.title}")
