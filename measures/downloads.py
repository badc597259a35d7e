"""Serving an evidence file (measures' and the OIT workspace's): one response shape for both."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpResponse

from measures.models import Evidence, EvidenceKind


def evidence_file_response(evidence: Evidence, *, private: bool = True) -> HttpResponse:
    """The file of an evidence row, 404 for a link or a missing file.

    ``private`` (staff pages): a download, never cached. Public (an OIT item's evidence marked
    public): shown inline, cacheable for a few minutes. Always ``nosniff``: the stored type was
    read from the bytes on upload.
    """
    if evidence.kind != EvidenceKind.FILE or not evidence.file:
        raise Http404
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=private, filename=evidence.original_name or evidence.file.name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store" if private else "public, max-age=300"
    return response
