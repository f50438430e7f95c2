"""The assessment page's statement-of-applicability panel: with a saved profile, applying the statement records
the inherited items as not applicable naming the cloud platform, and leaves what was recorded before alone."""

from __future__ import annotations

from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.rules.auth import Role
from mlps.rules.domain import Result
from tests.app.conftest import PASSWORD, new_app

PAGE = "mlps/ui/pages/assessment.py"
WEBSITE = "学校门户网站"  # the demo system with the cloud extension, level 2
PROFILE = {
    "cloud_role": "customer",
    "cloud_platform": {"name": "青云政务云", "level": 3, "filing_number": "51010099001-00042"},
    "hosted_entirely_on_cloud": True,
}
PES = [f"L2-PES1-{n:02d}" for n in range(1, 16)]


def website(sm):
    system = next(s for s in repo.list_systems(sm) if s.name == WEBSITE)
    return system, repo.list_assessments(sm, system.id)[0]


def open_page(system, assessment, user: str = "wang"):
    at = new_app(user, org=system.organisation_id, system=system.id, assessment=assessment.id)
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception
    return at


def panel_button(at, assessment):
    return at.button(key=f"soa_apply_{assessment.id}")


def test_no_panel_without_a_saved_profile(demo_store):
    system, assessment = website(demo_store)
    at = open_page(system, assessment)
    assert not [b for b in at.button if b.key == f"soa_apply_{assessment.id}"]


def test_applying_the_statement_records_inherited_items_naming_the_platform(demo_store):
    system, assessment = website(demo_store)
    repo.set_system_profile(demo_store, system.id, {"profile": PROFILE}, "test")
    before = {(r.item_id, r.assessed_object): r for r in repo.results(demo_store, assessment.id)}
    recorded = [i for i in PES if (i, "") in before and before[(i, "")].result != Result.NA]
    assert recorded, "the demo records some physical-environment items"
    open_items = [i for i in PES if (i, "") not in before]
    assert open_items, "and leaves others open"
    at = open_page(system, assessment)
    info = " ".join(i.value for i in at.info)
    assert "项继承自云平台" in info
    assert any("已记录了其他结果" in w.value for w in at.warning)  # the recorded ones are listed
    panel_button(at, assessment).click().run()
    assert not at.exception
    after = {(r.item_id, r.assessed_object): r for r in repo.results(demo_store, assessment.id)}
    for item_id in open_items:
        r = after[(item_id, "")]
        assert r.result == Result.NA and "青云政务云" in r.record and "第3级" in r.record
        assert "51010099001-00042" in r.record and not r.needs_review and r.updated_by == "wang"
    for item_id in recorded:
        old, new = before[(item_id, "")], after[(item_id, "")]
        assert (new.result, new.record, new.version) == (old.result, old.record, old.version)
    # done: the button is gone, the conflicts stay listed
    assert not [b for b in at.button if b.key == f"soa_apply_{assessment.id}"]
    assert any("已记录了其他结果" in w.value for w in at.warning)


def test_a_viewer_sees_the_counts_but_cannot_apply(demo_store):
    system, assessment = website(demo_store)
    repo.set_system_profile(demo_store, system.id, {"profile": PROFILE}, "test")
    users.create_user(demo_store, "zhao", PASSWORD, by="test")
    users.set_role(demo_store, "zhao", system.organisation_id, Role.VIEWER, by="test")
    at = open_page(system, assessment, "zhao")
    assert any("项继承自云平台" in i.value for i in at.info)
    assert panel_button(at, assessment).disabled  # AppTest, like a browser, cannot click it
    assert any("只读角色只能查看" in c.value for c in at.caption)
