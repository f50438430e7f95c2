"""Every page, opened with hostile names everywhere a user can type one — organisation, system, assessed object,
evidence, remediation task, user display name — puts none of them into markdown unescaped: no link, image, tag,
coloured text, icon or formula that the user typed as text (issue 13, item 5)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mlps.adapters.store import remediation as rem
from mlps.adapters.store import repository as repo
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import Result
from mlps.rules.remediation import TaskDraft
from tests.app.test_hostile_rendering import hostile as hostile_school  # noqa: F401 (a fixture)
from tests.app.test_hostile_rendering import new_app, sinks
from tests.conftest import ROOT

EXTRA = " :red[红字] :material/warning: $x^2$ ![p](http://127.0.0.1:9/p.png) <img src=x> [a](http://127.0.0.1:9)"
RAW = ("<script>", "[click](", "javascript:alert", "![x](", ":red[", ":material/", "$x^2$", "![p](", "<img src=x>",
       "[a](")  # fmt: skip
PAGES = sorted(p.name for p in (ROOT / "mlps" / "ui" / "pages").glob("*.py"))


@pytest.fixture
def everywhere(request):
    org, system, assessment = request.getfixturevalue("hostile_school")
    from mlps.adapters.store.db import open_store
    from mlps.settings import Settings

    sm = open_store(Settings.from_env().database_url)
    org = repo.save_organisation(sm, dataclasses.replace(org, name=org.name + EXTRA), "wang")
    system = repo.save_system(sm, dataclasses.replace(system, name=system.name + EXTRA), "wang")
    item = load_catalogue().select(assessment.level, list(assessment.extensions))[1]
    repo.save_result(sm, assessment.id, item.id, "mallory", expected_version=0, assessed_object="核心交换机" + EXTRA,
                     record="记录" + EXTRA, result=Result.NONCONFORM)  # fmt: skip
    draft = TaskDraft(key="item:hostile", item_ids=(item.id,), scope="general", category=item.category,
                      control_point="cp", control_point_zh="控制点" + EXTRA, control_point_en="cp" + EXTRA,
                      title_zh="整改" + EXTRA, title_en="Fix" + EXTRA, action_zh="做" + EXTRA, action_en="Do" + EXTRA,
                      risk=None, case_ids=(), points=1.0, priority=1)  # fmt: skip
    rem.create_tasks(sm, assessment.id, [draft], "mallory")
    return org, system, assessment


def _offenders(at) -> list:
    return [(kind, text[:100]) for kind, text in sinks(at).markdown if any(r in text for r in RAW)]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("user", ["mallory", "wang"])
def test_no_page_renders_hostile_names_as_markdown(everywhere, page, user):
    org, system, assessment = everywhere
    at = new_app(signed_in=user, org=org.id, system=system.id, assessment=assessment.id)
    at.run()
    at.switch_page(f"mlps/ui/pages/{page}").run()
    assert not at.exception, at.exception
    assert not [e.value for e in at.error if "出错了" in e.value], page
    assert _offenders(at) == [], page
    assert not [m.value[:80] for m in at.get("markdown") if m.proto.allow_html], page


def test_the_walk_covers_every_page():
    assert len(PAGES) >= 11 and Path(ROOT / "mlps" / "ui" / "pages" / "remediation.py").exists()
