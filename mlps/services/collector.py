"""Collector bundles in the workbench (issue 19): import one for an assessed object, see its proposals and what
changed since the previous collection, accept them, and the log retention a system's latest bundles show.

Called through the Workspace, which checks the role first (viewers read, assessors import and accept). The rules
(mapping, combining, proposal status) are in mlps.rules.collector; reading and checking a bundle file is
mlps.adapters.collector.package; the rows are mlps.adapters.store.collector_runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import sessionmaker

from mlps.adapters.collector.package import BundleError, read_bundle
from mlps.adapters.store import collector_runs as store
from mlps.adapters.store import repository as repo
from mlps.adapters.store.collector_runs import CollectorRun
from mlps.rules.collector import (
    FindingChange,
    Proposal,
    changes_between,
    header_text,
    load_collector_map,
    plan_proposals,
)
from mlps.rules.domain import ItemResult

MAX_OBJECT = 200  # the assessed object's column length


def import_bundle(sm: sessionmaker, assessment_id: int, data: bytes, assessed_object: str, user: str) -> CollectorRun:
    """Check the bundle (BundleError says what is wrong; nothing is stored) and store it for the object (default:
    the bundle's host name)."""
    b = read_bundle(data)
    obj = " ".join((assessed_object or b.hostname or "").split())
    if not obj:
        raise BundleError("the bundle names no host: enter the assessed object (the server's name)")
    if len(obj) > MAX_OBJECT:
        raise BundleError(f"the assessed object's name is {len(obj)} characters long; at most {MAX_OBJECT}")
    fields = {
        "sha256": b.sha256,
        "hostname": b.hostname,
        "os_name": b.os,
        "collector_version": b.collector_version[:40],
        "collected_at": b.collected_at[:40],
        "level": b.level,
        "log_retention_days": b.log_retention_days,
        "findings": list(b.findings),
        "findings_sha256": b.findings_sha256,
    }
    return store.add_run(sm, assessment_id, obj, data, fields, user)


@dataclass(frozen=True)
class Collection:
    """One imported bundle as the panel shows it."""

    run: CollectorRun
    previous: CollectorRun | None  # the object's collection before this one
    proposals: list[Proposal]
    changes: list[FindingChange]  # checks whose verdict changed since `previous`


def _owned(all_runs: list[CollectorRun], obj: str) -> dict[str, int]:
    """item id -> version of the result the latest accepting import on `obj` wrote."""
    owned: dict[str, int] = {}
    for r in sorted((r for r in all_runs if r.assessed_object == obj), key=lambda r: r.id):
        owned.update(r.accepted)
    return owned


def collection(
    sm: sessionmaker,
    assessment,
    run: CollectorRun,
    valid_item_ids: set[str],
    lang: str,
    current: list[ItemResult] | None = None,
) -> Collection:
    all_runs = store.runs(sm, assessment.id)
    earlier = [r for r in all_runs if r.assessed_object == run.assessed_object and r.id < run.id]
    previous = earlier[0] if earlier else None
    results = current if current is not None else repo.results(sm, assessment.id)
    header = header_text(run.hostname, run.os_name, run.collected_at, run.findings_sha256, lang)
    proposals = plan_proposals(
        run.findings,
        assessment.level,
        load_collector_map(),
        valid_item_ids,
        results,
        run.assessed_object,
        header,
        lang,
        _owned(all_runs, run.assessed_object),
    )
    changes = changes_between(previous.findings, run.findings) if previous else []
    return Collection(run, previous, proposals, changes)


def _evidence_date(collected_at: str) -> date | None:
    try:
        return date.fromisoformat(collected_at[:10])
    except ValueError:
        return None


def accept(
    sm: sessionmaker,
    assessment,
    run: CollectorRun,
    item_ids: Iterable[str],
    replace_items: Iterable[str],
    valid_item_ids: set[str],
    lang: str,
    user: str,
) -> int:
    """Write the chosen proposals (planned again on the results as they are now): `new` and `update` ones, and a
    `conflict` only when its item is in `replace_items` (the assessor asked). All or nothing: a result someone
    changed meanwhile refuses the whole write (ConflictError). Returns how many results were written."""
    current = repo.results(sm, assessment.id)
    view = collection(sm, assessment, run, valid_item_ids, lang, current)
    wanted, asked = set(item_ids), set(replace_items)
    chosen = [
        p
        for p in view.proposals
        if p.item_id in wanted and (p.status in ("new", "update") or (p.status == "conflict" and p.item_id in asked))
    ]
    if not chosen:
        return 0
    when = _evidence_date(run.collected_at)
    rows = []
    for p in chosen:
        base = p.current or ItemResult(item_id=p.item_id, assessed_object=run.assessed_object)
        rows.append(
            replace(
                base, result=p.result, record=p.record, methods=("examine",), evidence_date=when, needs_review=False
            )
        )
    versions = {(r.item_id, r.assessed_object): r.version for r in current}
    repo.import_results(sm, assessment.id, rows, user, versions)
    written = store.result_ids(sm, assessment.id, run.assessed_object, [p.item_id for p in chosen])
    store.record_accepted(sm, run.id, written, user)
    return len(chosen)


@dataclass(frozen=True)
class CollectedRetention:
    """The log retention the latest bundle of each assessed object of a system shows: the shortest counts."""

    days: int
    hosts: tuple[str, ...]  # the objects whose latest bundle gave a number, shortest first
    collected_at: str  # the newest of those bundles

    @property
    def label(self) -> str:
        """Where the number comes from, in both languages (the obligations print it beside the retention)."""
        return f"采集器 collector: {', '.join(self.hosts)}, {self.collected_at[:10]}"


def collected_retention(sm: sessionmaker, system_id: int) -> CollectedRetention | None:
    latest: dict[str, CollectorRun] = {}
    for r in store.system_runs(sm, system_id):  # newest first
        latest.setdefault(r.assessed_object, r)
    known = sorted(
        (r for r in latest.values() if r.log_retention_days is not None),
        key=lambda r: (r.log_retention_days, r.assessed_object),
    )
    if not known:
        return None
    return CollectedRetention(
        known[0].log_retention_days, tuple(r.assessed_object for r in known), max(r.collected_at for r in known)
    )
