"""The lifecycles of systems, read through the signed-in user's Workspace (every read role-checked).

This and `PortfolioData.lifecycle_facts` are the two ways the store fills `LifecycleFacts`; both end in the one
pure builder, mlps.rules.lifecycle.organisation_lifecycles, which home, the obligations page, the portfolio,
the reports and the CLI share (tests/integration/test_one_of_each.py pins that they agree).
"""

from __future__ import annotations

from collections.abc import Iterable

from mlps.rules.domain import System
from mlps.rules.lifecycle import LifecycleFacts, organisation_lifecycles
from mlps.rules.obligations import SystemLifecycle
from mlps.services.workspace import Workspace


def lifecycle_facts(w: Workspace, systems: Iterable[System]) -> LifecycleFacts:
    ids = [s.id for s in systems]
    return LifecycleFacts(
        gradings={i: w.grading_history(i) for i in ids},
        assessments={i: w.assessments(i) for i in ids},
        log_retention={i: w.log_retention(i) for i in ids},
        changes={i: w.list_changes(i) for i in ids},
        profiles={i: w.system_profile(i) for i in ids},
        collected={i: w.collected_log_retention(i) for i in ids},
    )


def lifecycles(w: Workspace, systems: Iterable[System]) -> list[SystemLifecycle]:
    systems = list(systems)
    return organisation_lifecycles(systems, lifecycle_facts(w, systems))

