"""Organisations and systems, with a system's stored profile and log retention."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from mlps.adapters.store.models import (
    GradingRow,
    OrganisationRow,
    SystemRow,
)
from mlps.adapters.store.repository.audit import _audit, _snapshot, check_lengths, now
from mlps.rules.domain import (
    Organisation,
    System,
)
from mlps.rules.errors import ConflictError, NotFound

# ---------------------------------------------------------------- organisations and systems

ORG_FIELDS = [f.name for f in dataclasses.fields(Organisation) if f.name != "id"]
SYSTEM_FIELDS = [f.name for f in dataclasses.fields(System) if f.name not in ("id", "level")]


def _org(row: OrganisationRow) -> Organisation:
    return Organisation(id=row.id, **{f: getattr(row, f) for f in ORG_FIELDS})


def _system(row: SystemRow, level: int | None = None) -> System:
    values = {f: getattr(row, f) for f in SYSTEM_FIELDS}
    values["extensions"] = tuple(values["extensions"] or ())
    return System(id=row.id, level=level, **values)


def save_organisation(sm: sessionmaker, org: Organisation, user: str) -> Organisation:
    if not org.name.strip():
        raise ValueError("the organisation needs a name")
    check_lengths(OrganisationRow, {f: getattr(org, f) for f in ORG_FIELDS}, "organisation")
    with sm.begin() as s:
        if org.id is None:
            row = OrganisationRow(**{f: getattr(org, f) for f in ORG_FIELDS})
            s.add(row)
            s.flush()
            _audit(s, user, "organisation", row.id, "create", None, _snapshot(row))
        else:
            row = s.get(OrganisationRow, org.id)
            if row is None:
                raise NotFound(f"organisation {org.id}")
            before = _snapshot(row)
            for f in ORG_FIELDS:
                setattr(row, f, getattr(org, f))
            row.version += 1
            s.flush()
            _audit(s, user, "organisation", row.id, "update", before, _snapshot(row))
        return _org(row)


def list_organisations(sm: sessionmaker, ids: Iterable[int] | None = None) -> list[Organisation]:
    with sm() as s:
        q = select(OrganisationRow).order_by(OrganisationRow.name)
        if ids is not None:
            q = q.where(OrganisationRow.id.in_(list(ids)))
        return [_org(r) for r in s.scalars(q)]


def get_organisation(sm: sessionmaker, org_id: int) -> Organisation:
    with sm() as s:
        row = s.get(OrganisationRow, org_id)
        if row is None:
            raise NotFound(f"organisation {org_id}")
        return _org(row)


def _current_levels(s: Session, system_ids: list[int]) -> dict[int, int]:
    if not system_ids:
        return {}
    latest = (
        select(GradingRow.system_id, func.max(GradingRow.id).label("gid"))
        .where(GradingRow.system_id.in_(system_ids))
        .group_by(GradingRow.system_id)
        .subquery()
    )
    rows = s.execute(select(GradingRow.system_id, GradingRow.level).join(latest, GradingRow.id == latest.c.gid))
    return {sid: level for sid, level in rows}


def save_system(sm: sessionmaker, system: System, user: str) -> System:
    if not system.name.strip():
        raise ValueError("the system needs a name")
    if system.organisation_id is None:
        raise ValueError("the system needs an organisation")
    values = {f: getattr(system, f) for f in SYSTEM_FIELDS}
    values["extensions"] = list(values["extensions"])
    check_lengths(SystemRow, values, "system")
    with sm.begin() as s:
        if system.id is None:
            row = SystemRow(**values)
            s.add(row)
            s.flush()
            _audit(s, user, "system", row.id, "create", None, _snapshot(row))
        else:
            row = s.get(SystemRow, system.id)
            if row is None:
                raise NotFound(f"system {system.id}")
            before = _snapshot(row)
            for k, v in values.items():
                setattr(row, k, v)
            row.version += 1
            s.flush()
            _audit(s, user, "system", row.id, "update", before, _snapshot(row))
        return _system(row, _current_levels(s, [row.id]).get(row.id))


def set_system_profile(sm: sessionmaker, system_id: int, profile: dict, user: str) -> None:
    with sm.begin() as s:
        row = s.get(SystemRow, system_id)
        if row is None:
            raise NotFound(f"system {system_id}")
        before = dict(row.profile or {})
        row.profile = dict(profile)
        _audit(s, user, "system", system_id, "profile", before, dict(profile))


def update_system_profile(sm: sessionmaker, system_id: int, change, user: str, *, attempts: int = 5) -> dict:
    """Apply `change` (stored dict -> new dict) to the profile as it is at write time: if someone else saved the
    system meanwhile, `change` runs again on their version, so no page's part of the profile is lost."""
    for _ in range(attempts):
        with sm.begin() as s:
            row = s.get(SystemRow, system_id)
            if row is None:
                raise NotFound(f"system {system_id}")
            before, version = dict(row.profile or {}), row.version
            after = dict(change(dict(before)))
            done = s.execute(
                update(SystemRow)
                .where(SystemRow.id == system_id, SystemRow.version == version)
                .values(profile=after, version=version + 1)
                .execution_options(synchronize_session=False)
            )
            if done.rowcount == 1:
                _audit(s, user, "system", system_id, "profile", before, after)
                return after
    raise ConflictError(user, now())


def get_system_profile(sm: sessionmaker, system_id: int) -> dict:
    with sm() as s:
        row = s.get(SystemRow, system_id)
        if row is None:
            raise NotFound(f"system {system_id}")
        return dict(row.profile or {})


def set_log_retention(sm: sessionmaker, system_id: int, days: int | None, user: str) -> None:
    with sm.begin() as s:
        row = s.get(SystemRow, system_id)
        if row is None:
            raise NotFound(f"system {system_id}")
        _audit(s, user, "system", system_id, "log_retention", {"days": row.log_retention_days}, {"days": days})
        row.log_retention_days = days


def get_log_retention(sm: sessionmaker, system_id: int) -> int | None:
    with sm() as s:
        row = s.get(SystemRow, system_id)
        return row.log_retention_days if row else None


def list_systems(sm: sessionmaker, organisation_id: int | None = None) -> list[System]:
    with sm() as s:
        q = select(SystemRow).order_by(SystemRow.organisation_id, SystemRow.name)
        if organisation_id is not None:
            q = q.where(SystemRow.organisation_id == organisation_id)
        rows = list(s.scalars(q))
        levels = _current_levels(s, [r.id for r in rows])
        return [_system(r, levels.get(r.id)) for r in rows]


def get_system(sm: sessionmaker, system_id: int) -> System:
    with sm() as s:
        row = s.get(SystemRow, system_id)
        if row is None:
            raise NotFound(f"system {system_id}")
        return _system(row, _current_levels(s, [row.id]).get(row.id))
