"""User text is shown as text: a system, an organisation, an evidence record, a file name and a display name
holding `<script>` tags and markdown links appear only in plain-text places (data grid cells, text boxes,
option lists, st.text) or escaped; never as markdown or HTML that a browser would turn into a link or an image.

Every element of the page is classified: places that render markdown (st.markdown, st.caption, headings,
alerts, toasts, widget labels and help, expander and tab labels) must not hold the raw hostile text; plain places
must show it exactly.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from streamlit.testing.v1.element_tree import AlertBase, Block, Dataframe, Element, HeadingBase, Markdown, Toast

from mlps.adapters.store import repository as repo
from mlps.adapters.store import users
from mlps.rules.auth import Role
from mlps.rules.catalogue import load_catalogue
from mlps.rules.domain import Result
from mlps.ui.safe import md_unescape
from tests.app.conftest import PASSWORD, new_app

SCRIPT = "<script>alert(1)</script>"
LINK = "[click](javascript:alert(1))"
IMAGE = "![x](http://127.0.0.1:9/track.png)"
SYSTEM = f"{LINK} {SCRIPT}"
ORG = f"青山县第一中学 {IMAGE}"
RECORD = f'{SCRIPT}\n{LINK}\n{IMAGE}\n=HYPERLINK("http://evil.example")'
FILE = f"{LINK}.png"
DISPLAY = f"{LINK}老师"
# what must never reach a markdown renderer unescaped
RAW = ("<script>", "[click](", "javascript:alert", "![x](")


@dataclasses.dataclass
class Sinks:
    markdown: list[tuple[str, str]]  # (element type, text) of places that render markdown
    plain: list[str]  # texts shown as they are

    def offenders(self) -> list[tuple[str, str]]:
        return [(kind, text[:120]) for kind, text in self.markdown if any(r in text for r in RAW)]

    def shows_plainly(self, text: str) -> bool:
        return any(text in p for p in self.plain)


def _field(proto, name: str) -> str:
    try:
        return str(getattr(proto, name)) if name in proto.DESCRIPTOR.fields_by_name else ""
    except AttributeError:
        return ""


def sinks(at) -> Sinks:
    """Every text on the page (main area and sidebar), sorted into markdown-rendering and plain places."""
    markdown, plain = [], []
    for node in at._tree:
        if isinstance(node, Block):
            label = getattr(node, "label", "")
            if label:
                markdown.append((f"{node.type} label", label))
            continue
        if not isinstance(node, Element):
            continue
        proto = node.proto
        if isinstance(node, Markdown | HeadingBase | AlertBase | Toast):
            markdown.append((node.type, node.value))
        elif isinstance(node, Dataframe):
            frame: pd.DataFrame = node.value
            plain.extend(str(v) for v in frame.astype(str).to_numpy().ravel())
        elif node.type in ("text", "code", "json"):
            plain.append(_field(proto, "body"))
        for name in ("label", "help", "text", "placeholder"):  # widget labels, help and progress texts are markdown
            value = _field(proto, name)
            if value:
                markdown.append((f"{node.type} {name}", value))
        for name in ("value", "default"):
            if _field(proto, name):
                plain.append(_field(proto, name))
        if "options" in proto.DESCRIPTOR.fields_by_name:
            options = [str(o) for o in proto.options]
            if node.type in ("radio", "button_group"):  # radio and pills options render markdown
                markdown.extend((f"{node.type} option", o) for o in options)
            else:
                plain.extend(options)
        value = getattr(node, "value", None) if node.type in ("text_area", "text_input") else None
        if isinstance(value, str):
            plain.append(value)
    return Sinks(markdown, plain)


@pytest.fixture
def hostile(demo_store):
    """The demo school with a hostile name, system name, evidence record, attachment name and user display
    name."""
    sm = demo_store
    cat = load_catalogue()
    org = repo.list_organisations(sm)[0]
    org = repo.save_organisation(sm, dataclasses.replace(org, name=ORG), "wang")
    system = next(s for s in repo.list_systems(sm, org.id) if s.name == "学生信息管理系统")
    system = repo.save_system(sm, dataclasses.replace(system, name=SYSTEM, description=RECORD), "wang")
    assessment = repo.list_assessments(sm, system.id)[0]
    first = cat.select(assessment.level, list(assessment.extensions))[0]
    current = {r.item_id: r for r in repo.results(sm, assessment.id)}.get(first.id)
    saved = repo.save_result(
        sm, assessment.id, first.id, "wang", expected_version=current.version if current else 0,
        record=RECORD, risk_reason=LINK, result=Result.PARTIAL,
    )  # fmt: skip
    repo.attach(sm, saved.id, b"\x89PNG\r\n\x1a\n" + bytes(32), FILE, "wang", max_bytes=1 << 20)
    users.create_user(sm, "mallory", PASSWORD, by="test", display_name=DISPLAY)
    users.set_role(sm, "mallory", org.id, Role.ASSESSOR, by="test")
    return org, system, assessment


def open_page(page: str, org, system, assessment=None, user: str = "mallory"):
    query = {"org": org.id, "system": system.id}
    if assessment is not None:
        query["assessment"] = assessment.id
    at = new_app(signed_in=user, **query)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def test_no_page_element_allows_html(hostile):
    org, system, assessment = hostile
    for page in ("mlps/ui/pages/systems.py", "mlps/ui/pages/assessment.py", "mlps/ui/pages/home.py"):
        at = open_page(page, org, system, assessment)
        assert not at.get("html"), page
        assert not [m.value[:80] for m in at.get("markdown") if m.proto.allow_html], page


def test_the_assessment_page_shows_the_hostile_record_and_names_as_plain_text(hostile):
    org, system, assessment = hostile
    at = open_page("mlps/ui/pages/assessment.py", org, system, assessment)
    found = sinks(at)
    assert any(t.value == RECORD for t in at.text_area)  # the record's text box, exactly as typed
    assert found.shows_plainly(SYSTEM)  # the system picker's option
    cells = {str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel()}
    assert RECORD in cells  # the work list's record column


def test_the_systems_page_shows_the_hostile_name_in_the_table_and_the_form(hostile):
    org, system, _ = hostile
    at = open_page("mlps/ui/pages/systems.py", org, system)
    assert SYSTEM in {str(v) for v in at.dataframe[0].value.to_numpy().ravel()}
    assert any(t.value == SYSTEM for t in at.text_input)
    assert any(t.value == RECORD for t in at.text_area)


def test_escaped_text_passes_the_check_and_reads_as_typed():
    """What the pages should do (mlps.ui.safe): the same check finds nothing, and the text is intact."""
    from streamlit.testing.v1 import AppTest

    def page():
        import streamlit as st

        from mlps.ui.safe import md_escape, one_line

        name = "[click](javascript:alert(1)) <script>alert(1)</script>"
        st.caption(f"系统：{one_line(name)}")
        st.subheader(md_escape(name))
        st.button("开始", help=md_escape(name))
        st.text(name)

    at = AppTest.from_function(page).run()
    found = sinks(at)
    assert found.offenders() == []
    assert found.shows_plainly(SYSTEM)
    assert md_unescape(at.caption[0].value) == f"系统：{SYSTEM}"


def test_the_check_finds_user_text_in_a_caption():
    """The check can fail: an unescaped caption with the same text is reported."""
    from streamlit.testing.v1 import AppTest

    def page():
        import streamlit as st

        st.caption("系统：[click](javascript:alert(1)) <script>alert(1)</script>")

    at = AppTest.from_function(page).run()
    assert sinks(at).offenders() == [("caption", f"系统：{SYSTEM}")]


def test_the_assessment_page_puts_no_user_text_into_markdown(hostile):
    org, system, assessment = hostile
    at = open_page("mlps/ui/pages/assessment.py", org, system, assessment)
    assert sinks(at).offenders() == []


def test_the_systems_page_puts_no_user_text_into_markdown(hostile):
    org, system, _ = hostile
    at = open_page("mlps/ui/pages/systems.py", org, system)
    assert sinks(at).offenders() == []


def test_the_home_page_puts_no_user_text_into_markdown(hostile):
    org, system, _ = hostile
    at = open_page("mlps/ui/pages/home.py", org, system)
    assert sinks(at).offenders() == []
