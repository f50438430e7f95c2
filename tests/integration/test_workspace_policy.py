"""Access is a declared policy (mlps.services.policy): every public Workspace method is declared, and every
declared role is enforced before the method touches anything."""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import pytest

from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.rules.auth import PermissionDenied, Role
from mlps.rules.domain import Organisation, Result, System
from mlps.services.policy import OWNER_KINDS, POLICY
from mlps.services.workspace import Workspace

PW = "lantern-orchard-42"


def public_methods() -> list[str]:
    return [n for n, f in inspect.getmembers(Workspace, inspect.isfunction) if not n.startswith("_")]


def test_every_public_workspace_method_is_declared_in_the_policy():
    missing = [n for n in public_methods() if n not in POLICY]
    assert not missing, f"Workspace methods without an access rule (mlps.services.policy): {missing}"
    assert set(POLICY) <= set(public_methods()), "the policy names methods the Workspace does not have"


def test_every_declared_rule_names_a_parameter_of_its_method_and_a_known_owner():
    for name, rules in POLICY.items():
        params = inspect.signature(getattr(Workspace, name)).parameters
        takes_kwargs = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
        for rule in rules:
            if rule.role is None:
                assert rule.what, f"{name}: say how the method checks access or why it needs no check"
                continue
            assert rule.via in OWNER_KINDS
            assert rule.arg.split(".")[0] in params or takes_kwargs, f"{name}: no parameter {rule.arg}"


@pytest.fixture
def school(store):
    a = repo.save_organisation(store, Organisation(name="A 中学"), "setup")
    b = repo.save_organisation(store, Organisation(name="B 中学"), "setup")
    sa = repo.save_system(store, System(name="A 网站", organisation_id=a.id), "setup")
    for name, org, role in (("viewer", a, Role.VIEWER), ("assessor", a, Role.ASSESSOR), ("other", b, Role.ADMIN)):
        users.create_user(store, name, PW, by="setup")
        users.set_role(store, name, org.id, role, by="setup")
    assessment = repo.start_assessment(store, sa.id, 2, [], "v", "setup")
    result = repo.save_result(store, assessment.id, "L2-PES1-01", "setup", expected_version=0, result=Result.CONFORM)
    return {"organisation": a.id, "system": sa.id, "assessment": assessment.id, "result": result.id}


# who lacks each role in organisation A: an admin of B lacks viewing, a viewer assessing, an assessor administering
LACKING = {Role.VIEWER: "other", Role.ASSESSOR: "viewer", Role.ADMIN: "assessor"}


def _call_args(fn, rule, entity_id):
    """Arguments for `fn` with the rule's argument set to `entity_id` and every other required one a dummy:
    the policy must refuse before the body reads any of them."""
    sig = inspect.signature(fn)
    head, *attrs = rule.arg.split(".")
    value = entity_id
    for attr in reversed(attrs):
        value = SimpleNamespace(**{attr: value})
    args, kwargs = [], {}
    for p in list(sig.parameters.values())[1:]:
        if p.name == head:
            (args.append(value) if p.kind is p.POSITIONAL_OR_KEYWORD else kwargs.__setitem__(p.name, value))
        elif p.kind is p.VAR_KEYWORD:
            if head not in sig.parameters:
                kwargs[head] = value
        elif p.kind is p.VAR_POSITIONAL:
            continue
        elif p.default is p.empty:
            (args.append(None) if p.kind is p.POSITIONAL_OR_KEYWORD else kwargs.__setitem__(p.name, None))
    return args, kwargs


def test_every_declared_role_is_enforced_before_the_method_runs(store, school):
    checked = 0
    for name, rules in POLICY.items():
        for rule in rules[:1]:  # the first rule runs first; a later one is reached only past it (below)
            if rule.role is None or rule.via not in school:
                continue
            ws = Workspace(store, users.actor(store, LACKING[rule.role]))
            args, kwargs = _call_args(getattr(Workspace, name), rule, school[rule.via])
            with pytest.raises(PermissionDenied, match=rule.what):
                getattr(ws, name)(*args, **kwargs)
            checked += 1
    assert checked >= 30
    assert [r.result for r in repo.results(store, school["assessment"])] == [Result.CONFORM]


def test_a_later_rule_is_enforced_too_an_assessment_of_another_organisation_cannot_be_copied(store, school):
    b = repo.save_organisation(store, Organisation(name="C 中学"), "setup")
    sb = repo.save_system(store, System(name="C 网站", organisation_id=b.id), "setup")
    theirs = repo.start_assessment(store, sb.id, 2, [], "v", "setup")
    assessor = Workspace(store, users.actor(store, "assessor"))
    with pytest.raises(PermissionDenied, match="copy this assessment"):
        assessor.start_assessment(school["system"], 2, [], "v", baseline_from=theirs.id)
    assert len(repo.list_assessments(store, school["system"])) == 1
    assert assessor.start_assessment(school["system"], 2, [], "v", baseline_from=school["assessment"]).id
