"""Assessments and their item results: optimistic locking on every save, bulk updates and imports."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Integer, bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from mlps.adapters.store.models import (
    AssessmentRow,
    AttachmentRow,
    AuditEventRow,
    ItemResultRow,
    SystemRow,
)
from mlps.adapters.store.repository.audit import _audit, _plain, _snapshot, check_lengths, now
from mlps.adapters.store.retry import with_retry
from mlps.rules.domain import (
    Assessment,
    ItemResult,
    Result,
    Risk,
)
from mlps.rules.errors import ConflictError, NotFound
from mlps.rules.levels import is_level

# ---------------------------------------------------------------- assessments



def _assessment(row: AssessmentRow) -> Assessment:
    return Assessment(
        id=row.id,
        system_id=row.system_id,
        level=row.level,
        extensions=tuple(row.extensions or ()),
        catalogue_version=row.catalogue_version,
        kind=row.kind,
        status=row.status,
        started_on=row.started_on,
        completed_on=row.completed_on,
        title=row.title,
        baseline_of=row.baseline_of,
        created_by=row.created_by,
        created_at=row.created_at,
        report_date=row.report_date,
        scoring_method=row.scoring_method,
    )


def start_assessment(
    sm: sessionmaker,
    system_id: int,
    level: int,
    extensions: Iterable[str],
    catalogue_version: str,
    user: str,
    *,
    kind: str = "self",
    started_on: date | None = None,
    title: str = "",
    baseline_from: int | None = None,
    valid_item_ids: set[str] | None = None,
    report_date: date | None = None,
    scoring_method: str | None = None,
) -> Assessment:
    """Open a new assessment. With `baseline_from`, copy that assessment's results and evidence (for the items
    that still apply) as a starting point, each marked for review."""
    if not is_level(level, assessed=True):
        raise ValueError("an assessment covers levels 1 to 4 (level 5 has no public requirements)")
    if kind not in ("self", "agency"):
        raise ValueError("kind is self or agency")
    check_lengths(AssessmentRow, {"title": title}, "assessment")
    with sm.begin() as s:
        if s.get(SystemRow, system_id) is None:
            raise NotFound(f"system {system_id}")
        row = AssessmentRow(
            system_id=system_id,
            level=level,
            extensions=list(extensions),
            catalogue_version=catalogue_version,
            kind=kind,
            started_on=started_on or date.today(),
            report_date=report_date or date.today(),
            scoring_method=scoring_method,
            title=title,
            baseline_of=baseline_from,
            created_by=user,
            created_at=now(),
        )
        s.add(row)
        s.flush()
        copied = 0
        if baseline_from is not None:
            old = s.scalars(select(ItemResultRow).where(ItemResultRow.assessment_id == baseline_from))
            stamp = now()
            for r in old:
                if valid_item_ids is not None and r.item_id not in valid_item_ids:
                    continue
                new = ItemResultRow(
                    assessment_id=row.id,
                    item_id=r.item_id,
                    assessed_object=r.assessed_object,
                    result=r.result,
                    record=r.record,
                    methods=list(r.methods or []),
                    evidence_date=r.evidence_date,
                    risk=r.risk,
                    risk_reason=r.risk_reason,
                    needs_review=True,
                    updated_by=user,
                    updated_at=stamp,
                    version=1,
                )
                s.add(new)
                s.flush()
                for a in s.scalars(select(AttachmentRow).where(AttachmentRow.result_id == r.id)):
                    s.add(
                        AttachmentRow(
                            result_id=new.id,
                            sha256=a.sha256,
                            original_name=a.original_name,
                            uploaded_by=a.uploaded_by,
                            uploaded_at=a.uploaded_at,
                        )
                    )
                copied += 1
        after = _snapshot(row) | {"copied_results": copied}
        _audit(s, user, "assessment", row.id, "create", None, after)
        return _assessment(row)


def list_assessments(sm: sessionmaker, system_id: int | None = None) -> list[Assessment]:
    """Newest first."""
    with sm() as s:
        q = select(AssessmentRow).order_by(AssessmentRow.id.desc())
        if system_id is not None:
            q = q.where(AssessmentRow.system_id == system_id)
        return [_assessment(r) for r in s.scalars(q)]


def get_assessment(sm: sessionmaker, assessment_id: int) -> Assessment:
    with sm() as s:
        row = s.get(AssessmentRow, assessment_id)
        if row is None:
            raise NotFound(f"assessment {assessment_id}")
        return _assessment(row)


def set_assessment_status(sm: sessionmaker, assessment_id: int, status: str, user: str) -> Assessment:
    if status not in ("in_progress", "completed"):
        raise ValueError("status is in_progress or completed")
    with sm.begin() as s:
        row = s.get(AssessmentRow, assessment_id)
        if row is None:
            raise NotFound(f"assessment {assessment_id}")
        before = {"status": row.status}
        row.status = status
        row.completed_on = date.today() if status == "completed" else None
        _audit(s, user, "assessment", assessment_id, "status", before, {"status": status})
        return _assessment(row)


# ---------------------------------------------------------------- item results


def _result(row: ItemResultRow, attachments: list[str] | None = None) -> ItemResult:
    return ItemResult(
        id=row.id,
        item_id=row.item_id,
        assessed_object=row.assessed_object,
        result=Result(row.result),
        record=row.record,
        methods=tuple(row.methods or ()),
        evidence_date=row.evidence_date,
        risk=Risk(row.risk) if row.risk else None,
        risk_reason=row.risk_reason,
        needs_review=row.needs_review,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
        version=row.version,
        attachments=attachments or [],
    )


def results(sm: sessionmaker, assessment_id: int) -> list[ItemResult]:
    """Every recorded result of an assessment (items never touched have no row: they are not assessed)."""
    with sm() as s:
        rows = list(
            s.scalars(
                select(ItemResultRow)
                .where(ItemResultRow.assessment_id == assessment_id)
                .order_by(ItemResultRow.item_id, ItemResultRow.assessed_object)
            )
        )
        att: dict[int, list[str]] = {}
        if rows:
            q = select(AttachmentRow.result_id, AttachmentRow.sha256).join(
                ItemResultRow, ItemResultRow.id == AttachmentRow.result_id
            )
            for rid, sha in s.execute(q.where(ItemResultRow.assessment_id == assessment_id)):
                att.setdefault(rid, []).append(sha)
        return [_result(r, att.get(r.id)) for r in rows]


RESULT_FIELDS = ("result", "record", "methods", "evidence_date", "risk", "risk_reason", "needs_review")


def _store_value(name: str, value):
    if name in ("result", "risk") and value is not None:
        return value.value if hasattr(value, "value") else str(value)
    if name == "methods":
        return list(value or ())
    return value


def save_result(sm: sessionmaker, assessment_id: int, item_id: str, user: str, *, expected_version: int,
                assessed_object: str = "", **changes) -> ItemResult:  # fmt: skip
    """Save changes to one item's result on one assessed object (see `_save_result`); a busy database is
    retried briefly, then StoreBusy."""
    return with_retry(lambda: _save_result(sm, assessment_id, item_id, user, expected_version=expected_version,
                                           assessed_object=assessed_object, **changes))  # fmt: skip


def _save_result(
    sm: sessionmaker,
    assessment_id: int,
    item_id: str,
    user: str,
    *,
    expected_version: int,
    assessed_object: str = "",
    **changes,
) -> ItemResult:
    """Save changes to one item's result on one assessed object.

    `expected_version` is the version the user's screen showed (0 when there was no record yet). If the record
    has moved on since, nothing is written and ConflictError says who changed it and when.
    """
    unknown = set(changes) - set(RESULT_FIELDS)
    if unknown:
        raise ValueError(f"not a result field: {', '.join(sorted(unknown))}")
    values = {k: _store_value(k, v) for k, v in changes.items()}
    check_lengths(ItemResultRow, {"assessed_object": assessed_object, "item_id": item_id, **values}, "result")
    if "result" in values:
        Result(values["result"])
    if values.get("risk") is not None:
        Risk(values["risk"])
    stamp = now()
    try:
        with sm.begin() as s:
            if s.get(AssessmentRow, assessment_id) is None:
                raise NotFound(f"assessment {assessment_id}")
            row = s.scalars(
                select(ItemResultRow).where(
                    ItemResultRow.assessment_id == assessment_id,
                    ItemResultRow.item_id == item_id,
                    ItemResultRow.assessed_object == assessed_object,
                )
            ).first()
            if row is None:
                if expected_version != 0:
                    raise ConflictError("?", None)
                row = ItemResultRow(
                    assessment_id=assessment_id,
                    item_id=item_id,
                    assessed_object=assessed_object,
                    updated_by=user,
                    updated_at=stamp,
                    version=1,
                    **values,
                )
                s.add(row)
                s.flush()
                _audit(
                    s,
                    user,
                    "item_result",
                    f"{assessment_id}/{item_id}/{assessed_object}",
                    "create",
                    None,
                    _snapshot(row),
                )
                return _result(row)
            before = _snapshot(row)
            done = s.execute(
                update(ItemResultRow)
                .where(ItemResultRow.id == row.id, ItemResultRow.version == expected_version)
                .values(**values, updated_by=user, updated_at=stamp, version=expected_version + 1)
                .execution_options(synchronize_session=False)
            )
            if done.rowcount != 1:
                raise ConflictError(row.updated_by, row.updated_at, _result(row))
            s.expire(row)
            after = _snapshot(row)
            _audit(s, user, "item_result", f"{assessment_id}/{item_id}/{assessed_object}", "update", before, after)
            return _result(row)
    except IntegrityError:
        # two first saves of the same item at once: the other one landed first
        with sm() as s:
            row = s.scalars(
                select(ItemResultRow).where(
                    ItemResultRow.assessment_id == assessment_id,
                    ItemResultRow.item_id == item_id,
                    ItemResultRow.assessed_object == assessed_object,
                )
            ).first()
            raise ConflictError(
                row.updated_by if row else "?", row.updated_at if row else None, _result(row) if row else None
            ) from None


def bulk_set_result(
    sm: sessionmaker, assessment_id: int, item_ids: Iterable[str], result: Result, user: str, assessed_object: str = ""
) -> int:
    """Set one result on many items at once (each change audited). Returns how many rows changed."""
    changed = 0
    current = {(r.item_id, r.assessed_object): r for r in results(sm, assessment_id)}
    for item_id in item_ids:
        existing = current.get((item_id, assessed_object))
        if existing is not None and existing.result == result:
            continue
        save_result(
            sm,
            assessment_id,
            item_id,
            user,
            expected_version=existing.version if existing else 0,
            assessed_object=assessed_object,
            result=result,
        )
        changed += 1
    return changed


def import_results(
    sm: sessionmaker,
    assessment_id: int,
    rows: list[ItemResult],
    user: str,
    expected_versions: dict[tuple[str, str], int] | None = None,
) -> int:
    """Write a validated set of results (e.g. an Excel import) in one transaction: all or nothing.

    Every row is written with a conditional update (`WHERE version = <the version seen>`) or an insert that the
    unique key refuses if someone created the record meanwhile, so a save made at the same moment is never
    overwritten: it makes the whole import fail with ConflictError and nothing is written. With
    `expected_versions` ((item id, assessed object) -> the version the user's plan was made from; 0 for no
    record) the versions seen are the plan's; without it, those read when the import starts.

    Everything is read and prepared before the write transaction starts, and the writes go to the database as
    three batched statements, so the write lock is held only for the writing itself: the largest import a
    workbook allows (36,700 results) holds it for well under a second, and a save made meanwhile waits for it
    (SQLite's busy timeout) and then lands or is reported as a conflict (see `bench_import_race`)."""
    seen_keys: set[tuple[str, str]] = set()
    for ir in rows:
        check_lengths(ItemResultRow, {"assessed_object": ir.assessed_object, "item_id": ir.item_id,
                                      "record": ir.record, "risk_reason": ir.risk_reason}, "result")  # fmt: skip
        key = (ir.item_id, ir.assessed_object)
        if key in seen_keys:
            raise ValueError(f"the import gives item {ir.item_id} on '{ir.assessed_object}' twice")
        seen_keys.add(key)
    return with_retry(lambda: _import_results(sm, assessment_id, rows, user, expected_versions))


def _conflict(row: ItemResultRow | None) -> ConflictError:
    return ConflictError(row.updated_by if row else "?", row.updated_at if row else None,
                         _result(row) if row else None)  # fmt: skip


def _current_rows(sm: sessionmaker, assessment_id: int) -> dict[tuple[str, str], ItemResultRow]:
    with sm() as s:
        if s.get(AssessmentRow, assessment_id) is None:
            raise NotFound(f"assessment {assessment_id}")
        return {
            (r.item_id, r.assessed_object): r
            for r in s.scalars(select(ItemResultRow).where(ItemResultRow.assessment_id == assessment_id))
        }


def _import_results(sm, assessment_id, rows, user, expected_versions) -> int:
    stamp = now()
    existing = _current_rows(sm, assessment_id)
    updates, inserts, audits = [], [], []
    for ir in rows:
        row = existing.get((ir.item_id, ir.assessed_object))
        seen = row.version if row else 0
        if expected_versions is not None and seen != expected_versions.get((ir.item_id, ir.assessed_object), 0):
            raise _conflict(row)
        values = {
            "result": ir.result.value,
            "record": ir.record,
            "methods": list(ir.methods),
            "evidence_date": ir.evidence_date,
            "risk": ir.risk.value if ir.risk else None,
            "risk_reason": ir.risk_reason,
            "needs_review": ir.needs_review,
            "updated_by": user,
            "updated_at": stamp,
        }
        audit = {"at": stamp, "user": user or "?", "entity": "item_result", "action": "import",
                 "entity_id": f"{assessment_id}/{ir.item_id}/{ir.assessed_object}"}  # fmt: skip
        if row is None:
            values.update(assessment_id=assessment_id, item_id=ir.item_id, assessed_object=ir.assessed_object,
                          version=1)  # fmt: skip
            inserts.append(values)
            audits.append({**audit, "before": None, "after": {k: _plain(v) for k, v in values.items()}})
            continue
        before = _snapshot(row)
        values["version"] = seen + 1
        updates.append({**values, "_id": row.id, "_seen": seen})
        audits.append({**audit, "before": before, "after": {**before, **{k: _plain(v) for k, v in values.items()}}})
    table, audit_table = ItemResultRow.__table__, AuditEventRow.__table__
    dialect = sm.kw["bind"].dialect
    # Every statement and its parameters are made ready for the driver before the write transaction starts: the
    # write lock (all of SQLite) is then held only while the database itself writes.
    set_cols = [c for c in table.c if c.key in (updates[0] if updates else {})]
    update_sql = _ready(dialect, update(table).where(table.c.id == bindparam("_id", type_=Integer),
                                                     table.c.version == bindparam("_seen", type_=Integer))
                        .values({c: bindparam(f"_v_{c.key}", type_=c.type) for c in set_cols}),
                        [{**{f"_v_{c.key}": u[c.key] for c in set_cols}, "_id": u["_id"], "_seen": u["_seen"]}
                         for u in updates])  # fmt: skip
    insert_sql = _ready(dialect, insert(table).values({c: bindparam(c.key, type_=c.type) for c in table.c
                                                        if c.key in (inserts[0] if inserts else {})}), inserts)
    audit_sql = _ready(dialect, insert(audit_table).values({c: bindparam(c.key, type_=c.type) for c in audit_table.c
                                                            if c.key != "id"}), audits)  # fmt: skip
    try:
        with sm.begin() as s:
            connection = s.connection()
            if updates:
                done = connection.exec_driver_sql(*update_sql)
                if done.rowcount != len(updates):  # a save landed after our read: refuse the whole import
                    changed = next((u["_id"] for u in updates if _version_now(s, u["_id"]) != u["_seen"]), None)
                    raise _conflict(s.get(ItemResultRow, changed) if changed else None)
            if inserts:
                connection.exec_driver_sql(*insert_sql)  # the unique key refuses a record created meanwhile
                ids = {(i, o): rid for i, o, rid in s.execute(
                    select(table.c.item_id, table.c.assessed_object, table.c.id)
                    .where(table.c.assessment_id == assessment_id, table.c.version == 1, table.c.updated_at == stamp)
                )}  # fmt: skip
                _add_ids(dialect, audit_sql, audits, lambda a: ids[tuple(a["entity_id"].split("/", 2)[1:])])
            connection.exec_driver_sql(*audit_sql)
    except IntegrityError:
        raise ConflictError("?", None) from None
    return len(rows)


def _ready(dialect, statement, rows: list[dict]) -> tuple[str, list]:
    """`statement` compiled for `dialect`, and `rows` turned into what its driver takes (each value through its
    column type's conversion), so that executing them inside a transaction does no Python work per row."""
    if not rows:
        return "", []
    compiled = statement.compile(dialect=dialect)
    names = list(compiled.positiontup) if dialect.positional else list(compiled.binds)
    convert = [(n, compiled.binds[n].type.dialect_impl(dialect).bind_processor(dialect)) for n in names]
    ready = [[f(r[n]) if f is not None and r[n] is not None else r[n] for n, f in convert] for r in rows]
    if dialect.positional:
        return compiled.string, [tuple(r) for r in ready]
    return compiled.string, [dict(zip(names, r, strict=True)) for r in ready]


def _add_ids(dialect, audit_sql: tuple[str, list], audits: list[dict], id_of) -> None:
    """Put the ids the new results got into their audit records' "after" snapshots, made ready beforehand: into
    SQLite's JSON text `"id": n` is spliced in front; other drivers' values are converted again."""
    compiled = insert(AuditEventRow.__table__).values(
        {c: bindparam(c.key, type_=c.type) for c in AuditEventRow.__table__.c if c.key != "id"}
    ).compile(dialect=dialect)  # fmt: skip
    convert = AuditEventRow.__table__.c.after.type.dialect_impl(dialect).bind_processor(dialect) or (lambda v: v)
    at = list(compiled.positiontup).index("after") if dialect.positional else "after"
    params = audit_sql[1]
    for k, audit in enumerate(audits):
        if audit["before"] is not None:
            continue
        rid = id_of(audit)
        row = list(params[k]) if dialect.positional else params[k]
        value = row[at]
        row[at] = f'{{"id": {rid}, {value[1:]}' if isinstance(value, str) else convert({"id": rid, **audit["after"]})
        params[k] = tuple(row) if dialect.positional else row


def _version_now(s, result_id: int) -> int | None:
    return s.scalar(select(ItemResultRow.version).where(ItemResultRow.id == result_id))


def set_report_date(
    sm: sessionmaker, assessment_id: int, user: str, report_date: date, scoring_method: str | None = None
) -> Assessment:
    """Set the report date (and a hand-picked method, None = by the date); audited."""
    with sm.begin() as s:
        row = s.get(AssessmentRow, assessment_id)
        if row is None:
            raise NotFound(f"assessment {assessment_id}")
        before = _snapshot(row)
        row.report_date, row.scoring_method = report_date, scoring_method
        s.flush()
        _audit(s, user, "assessment", row.id, "update", before, _snapshot(row))
        return _assessment(row)
