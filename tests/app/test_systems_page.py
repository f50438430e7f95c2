"""Organisations and systems: create an organisation and a system from an empty database."""

from __future__ import annotations

from mlps.adapters.store import repository as repo
from mlps.adapters.store.db import open_store
from tests.app.conftest import new_app


def test_create_an_organisation_then_a_system(db_url):
    at = new_app()
    at.run()
    at.switch_page("mlps/ui/pages/systems.py").run()
    assert not at.exception
    at.text_input(key="org_None_name").input("青山县第二中学")
    next(b for b in at.button if b.label == "保存单位信息").click().run()
    assert not at.exception
    sm = open_store(db_url)
    orgs = repo.list_organisations(sm)
    assert [o.name for o in orgs] == ["青山县第二中学"]
    at.switch_page("mlps/ui/pages/systems.py").run()
    at.text_input(key="sys_None_name").input("学生信息管理系统")
    at.multiselect(key="sys_None_extensions").set_value(["cloud"])
    next(b for b in at.button if b.label == "保存系统信息").click().run()
    assert not at.exception
    systems = repo.list_systems(sm, orgs[0].id)
    assert [(s.name, s.extensions) for s in systems] == [("学生信息管理系统", ("cloud",))]
    assert repo.history(sm, "system", str(systems[0].id))[0].user == "wang"


def test_a_system_without_a_name_is_refused_with_a_message(db_url):
    at = new_app()
    at.run()
    at.switch_page("mlps/ui/pages/systems.py").run()
    at.text_input(key="org_None_name").input("某中学")
    next(b for b in at.button if b.label == "保存单位信息").click().run()
    at.switch_page("mlps/ui/pages/systems.py").run()
    next(b for b in at.button if b.label == "保存系统信息").click().run()
    assert any("the system needs a name" in e.value for e in at.error)
    assert repo.list_systems(open_store(db_url)) == []


def test_renaming_the_organisation_in_view_saves_without_an_error(demo_store):
    org = repo.list_organisations(demo_store)[0]
    at = new_app(org=org.id)
    at.run()
    at.switch_page("mlps/ui/pages/systems.py").run()
    at.text_input(key=f"org_{org.id}_name").input("青山县第一中学（新校区）")
    next(b for b in at.button if b.label == "保存单位信息").click().run()
    assert not at.exception and not at.error
    assert repo.get_organisation(demo_store, org.id).name == "青山县第一中学（新校区）"
