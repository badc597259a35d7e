"""Score files: the checked preview (``ImportBatch``) and the all-or-nothing, set-based commit."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators import grading
from indicators.importing import ParsedScores, ScoreScope, parse_scores
from indicators.models import (
    Assessment,
    AssessmentSource,
    Framework,
    ImportBatch,
    ImportStatus,
    Indicator,
    IndicatorScore,
    ItemResult,
)
from indicators.services.scores import COMPUTED_FIELDS
from ita_portal.agencies.models import Agency

BATCH_SIZE = 5000


# --- import -------------------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    parsed: ParsedScores
    committed: bool
    assessments: int = 0
    queued: bool = False  # a large file: the worker writes it (``import_jobs.score_import_commit``)


def _chunks(values: list, size: int = BATCH_SIZE) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _write_parsed(parsed: ParsedScores, user) -> int:
    """Upsert everything a checked file holds and recompute the touched assessments (set-based)."""
    pairs = sorted({(a, f) for a, f, _i in parsed.indicator_scores} | {(a, f) for a, f, _i in parsed.item_results})
    now = timezone.now()
    user_id = getattr(user, "pk", None)
    upsert(
        Assessment,
        columns=[
            "agency_id",
            "framework_id",
            "source",
            "updated_by_id",
            "created_at",
            "updated_at",
            "rating_text",
            "note",
            "grade",
        ],
        rows=((a, f, AssessmentSource.IMPORTED, user_id, now, now, "", "", "") for a, f in pairs),
        unique=["agency_id", "framework_id"],
        # The note spoke of the scores the file replaces (where they came from, why the overall
        # was not computed): it is cleared with them, so no page keeps a note the data contradicts.
        update=["source", "updated_by_id", "updated_at", "note"],
    )
    ids: dict[tuple[int, int], int] = {}
    by_framework: dict[int, list[int]] = defaultdict(list)
    for a, f in pairs:
        by_framework[f].append(a)
    for framework_id, agency_ids in by_framework.items():
        for chunk in _chunks(agency_ids, 2000):
            for pk, a in Assessment.objects.filter(framework_id=framework_id, agency_id__in=chunk).values_list("pk", "agency_id"):
                ids[(a, framework_id)] = pk

    upsert(
        IndicatorScore,
        columns=["assessment_id", "indicator_id", "score"],
        rows=((ids[(a, f)], i, value) for (a, f, i), (value, _row) in parsed.indicator_scores.items()),
        unique=["assessment_id", "indicator_id"],
        update=["score"],
    )
    upsert(
        ItemResult,
        columns=["assessment_id", "item_id", "passed", "url", "remark"],
        rows=((ids[(a, f)], i, v.passed, v.url, v.remark) for (a, f, i), v in parsed.item_results.items()),
        unique=["assessment_id", "item_id"],
        update=["passed", *(["url"] if parsed.has_url else []), *(["remark"] if parsed.has_remark else [])],
    )
    _recompute_many(ids, parsed.frameworks)
    return len(ids)


def upsert(model, *, columns: list[str], rows: Iterable[tuple], unique: list[str], update: list[str]) -> None:
    """Insert rows or update them on conflict with ``unique``; must run inside a transaction.

    On PostgreSQL the rows are streamed with COPY into a temporary table and merged with one
    ``INSERT … ON CONFLICT DO UPDATE`` (a national file: ~400,000 rows in seconds); elsewhere
    ``bulk_create(update_conflicts=True)`` in batches does the same.
    """
    if connection.vendor != "postgresql":
        fields = {f.attname: f.name for f in model._meta.concrete_fields}
        model.objects.bulk_create(
            (model(**dict(zip(columns, row, strict=True))) for row in rows),
            update_conflicts=True,
            unique_fields=[fields[c] for c in unique],
            update_fields=[fields[c] for c in update],
            batch_size=BATCH_SIZE,
        )
        return
    table = connection.ops.quote_name(model._meta.db_table)
    temp = connection.ops.quote_name(f"import_{model._meta.db_table}")
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    text_cols = [
        c
        for c in columns
        if model._meta.get_field(c.removesuffix("_id")).get_internal_type() in ("CharField", "TextField", "URLField")
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(["t" if v is True else "f" if v is False else v for v in row])
    buffer.seek(0)
    force = f", FORCE_NOT_NULL ({', '.join(connection.ops.quote_name(c) for c in text_cols)})" if text_cols else ""
    conflict = ", ".join(connection.ops.quote_name(c) for c in unique)
    updates = ", ".join(f"{connection.ops.quote_name(c)} = EXCLUDED.{connection.ops.quote_name(c)}" for c in update)
    # Rows whose values did not change are left alone: re-importing the same file rewrites nothing.
    changed = " OR ".join(
        f"{table}.{connection.ops.quote_name(c)} IS DISTINCT FROM EXCLUDED.{connection.ops.quote_name(c)}" for c in update
    )
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS SELECT {cols} FROM {table} WITH NO DATA")  # noqa: S608
        cursor.cursor.copy_expert(f"COPY {temp} ({cols}) FROM STDIN WITH (FORMAT csv{force})", buffer)  # psycopg2 cursor
        cursor.execute(
            f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {temp} ON CONFLICT ({conflict}) DO UPDATE SET {updates} WHERE {changed}"  # noqa: S608
        )
        cursor.execute(f"DROP TABLE {temp}")


def _recompute_many(ids: Mapping[tuple[int, int], int], frameworks: Mapping[int, Framework]) -> None:
    """``assessment_recompute`` for many assessments at once: one read and one upsert per batch."""
    now = timezone.now()
    by_framework: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for (a, f), pk in ids.items():
        by_framework[f].append((a, pk))
    for framework_id, members in by_framework.items():
        framework = frameworks[framework_id]
        indicators = grading.weighted_indicators(Indicator.objects.filter(framework=framework))
        weights = grading.indicator_weights(indicators, grading.framework_instrument_weights(framework))
        for chunk in _chunks(members, 2000):
            scores: dict[int, dict[int, Decimal]] = defaultdict(dict)
            for assessment_id, indicator_id, score in IndicatorScore.objects.filter(
                assessment_id__in=[pk for _a, pk in chunk]
            ).values_list("assessment_id", "indicator_id", "score"):
                scores[assessment_id][indicator_id] = score
            rows = []
            for agency_id, pk in chunk:
                summary = grading.summarize(
                    indicators=indicators, weights=weights, scores=scores[pk], pass_mark=framework.pass_mark
                )
                instruments = summary.instruments
                rows.append(
                    (agency_id, framework_id, "", now, now, "", "", summary.overall, instruments.get("IIT"),
                     instruments.get("EIT"), instruments.get("OIT"), summary.grade, summary.passed)
                )  # fmt: skip
            upsert(
                Assessment,
                columns=[
                    "agency_id",
                    "framework_id",
                    "source",
                    "created_at",
                    "updated_at",
                    "rating_text",
                    "note",
                    *COMPUTED_FIELDS,
                ],
                rows=rows,
                unique=["agency_id", "framework_id"],
                update=COMPUTED_FIELDS,
            )


def scores_import(
    *,
    content: bytes,
    filename: str = "",
    fiscal_year: int | None = None,
    assessor_code: str | None = None,
    scope: ScoreScope,
    user=None,
    dry_run: bool = False,
) -> ImportOutcome:
    """Check a score file and, when every row is valid, write all of it in one transaction.

    A file with any bad row writes nothing; the outcome carries the row errors in Thai. Importing
    the same file again updates the same rows (agency × framework × indicator/item are unique).
    """
    parsed = parse_scores(content, filename=filename, fiscal_year=fiscal_year, assessor_code=assessor_code, scope=scope)
    if not parsed.ok or dry_run:
        return ImportOutcome(parsed=parsed, committed=False)
    with transaction.atomic():
        count = _write_parsed(parsed, user)
    return ImportOutcome(parsed=parsed, committed=True, assessments=count)


@transaction.atomic
def import_batch_create(
    *, agency: Agency, fiscal_year: int, filename: str, content: bytes, user, assessor_code: str | None = None
) -> ImportBatch:
    """Check an uploaded file for the preview; it is kept (not applied) until ``import_batch_commit``."""
    parsed = parse_scores(
        content, filename=filename, fiscal_year=fiscal_year, assessor_code=assessor_code, scope=ScoreScope.for_user(user, agency)
    )
    frameworks = list(parsed.frameworks.values())
    return ImportBatch.objects.create(
        agency=agency,
        fiscal_year=fiscal_year,
        assessor=frameworks[0].assessor if frameworks else None,
        filename=filename[:255],
        content=content,
        status=ImportStatus.READY if parsed.ok else ImportStatus.INVALID,
        layout=parsed.layout,
        encoding=parsed.encoding,
        row_count=parsed.row_count,
        error_count=parsed.error_count,
        errors=[{"row": e.row, "message": e.message} for e in parsed.errors],
        summary=parsed.summary(),
        uploaded_by=user,
    )


def import_batch_commit(*, batch: ImportBatch, user) -> ImportOutcome:
    """Apply a previewed file: checked again, then all rows or none, in one transaction."""
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update(of=("self",)).select_related("agency", "assessor").get(pk=batch.pk)
        if batch.status != ImportStatus.READY:
            raise ValidationError(_("ไฟล์นี้นำเข้าแล้วหรือมีข้อผิดพลาด ไม่สามารถยืนยันได้"))
        outcome = scores_import(
            content=bytes(batch.content),
            filename=batch.filename,
            fiscal_year=batch.fiscal_year,
            assessor_code=batch.assessor.code if batch.assessor else None,
            scope=ScoreScope.for_user(user, batch.agency),
            user=user,
        )
        if outcome.committed:
            batch.status = ImportStatus.COMMITTED
            batch.committed_at = timezone.now()
        else:
            batch.status = ImportStatus.INVALID
            batch.error_count = outcome.parsed.error_count
            batch.errors = [{"row": e.row, "message": e.message} for e in outcome.parsed.errors]
        batch.save(update_fields=["status", "committed_at", "error_count", "errors"])
    return outcome
