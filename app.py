"""Entry point: page configuration, the sign-in gate, language, what is in view, and navigation."""

import streamlit as st

from mlps.ui.common import guarded, language_switch, run_guarded, tr
from mlps.ui.context import settings, sidebar, store
from mlps.ui.safe import one_line
from mlps.ui.signin import gate, remember_view, sign_out

st.set_page_config(page_title="MLPS Workbench · 等保工作台", page_icon=":material/shield:", layout="wide")
language_switch()
cfg = settings()
# The gate and the sidebar run inside the guard too: a database error while signing in shows a plain message
# with a reference, never a traceback (client.showErrorDetails is off as well).
actor = guarded(lambda: gate(store(), cfg.session_idle_minutes, trusted_proxy=cfg.trusted_proxy,
                            sso_trusts_email=cfg.sso_trusts_email))
st.session_state["_actor"] = actor
st.sidebar.caption(tr("auth.signed_in_as", name=one_line(actor.name)))
st.sidebar.button(tr("auth.sign_out"), on_click=sign_out, key="sign_out")
org, system = guarded(sidebar)
guarded(lambda: remember_view(store(), org.id if org else None, system.id if system else None))
st.session_state["_ctx_org"], st.session_state["_ctx_system"] = org, system
st.sidebar.caption(tr("app.subtitle"))

PAGES = "mlps/ui/pages"
pages = {
    tr("nav.section.work"): [
        st.Page(f"{PAGES}/home.py", title=tr("nav.home"), icon=":material/home:", url_path="home", default=True),
        st.Page(f"{PAGES}/portfolio.py", title=tr("nav.portfolio"), icon=":material/dashboard:", url_path="portfolio"),
        st.Page(f"{PAGES}/systems.py", title=tr("nav.systems"), icon=":material/domain:", url_path="systems"),
        st.Page(f"{PAGES}/grading.py", title=tr("nav.grading"), icon=":material/balance:", url_path="grading"),
        st.Page(
            f"{PAGES}/obligations.py", title=tr("nav.obligations"), icon=":material/event:", url_path="obligations"
        ),
        st.Page(
            f"{PAGES}/applicability.py",
            title=tr("nav.applicability"),
            icon=":material/extension:",
            url_path="applicability",
        ),
        st.Page(
            f"{PAGES}/assessment.py", title=tr("nav.assessment"), icon=":material/edit_note:", url_path="assessment"
        ),
        st.Page(
            f"{PAGES}/remediation.py", title=tr("nav.remediation"), icon=":material/build:", url_path="remediation"
        ),
    ],
    tr("nav.section.reference"): [
        st.Page(
            f"{PAGES}/requirements.py",
            title=tr("nav.requirements"),
            icon=":material/menu_book:",
            url_path="requirements",
        ),
    ],
    tr("nav.section.admin"): [
        st.Page(f"{PAGES}/users.py", title=tr("nav.users"), icon=":material/group:", url_path="users"),
        st.Page(f"{PAGES}/account.py", title=tr("sec.account"), icon=":material/person:", url_path="account"),
    ],
}
page = st.navigation(pages)
run_guarded(page.run)
