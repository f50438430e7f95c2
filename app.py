"""Entry point: page configuration, language, the organisation and system in view, and navigation."""

import streamlit as st

from mlps.ui.common import language_switch, run_guarded, tr
from mlps.ui.context import sidebar

st.set_page_config(page_title="MLPS Workbench · 等保工作台", page_icon="🛡️", layout="wide")
language_switch()
org, system = sidebar()
st.session_state["_ctx_org"], st.session_state["_ctx_system"] = org, system
st.sidebar.caption(tr("app.subtitle"))

PAGES = "mlps/ui/pages"
pages = {
    tr("nav.section.work"): [
        st.Page(f"{PAGES}/home.py", title=tr("nav.home"), icon="🏠", url_path="home", default=True),
        st.Page(f"{PAGES}/systems.py", title=tr("nav.systems"), icon="🗂️", url_path="systems"),
        st.Page(f"{PAGES}/assessment.py", title=tr("nav.assessment"), icon="📝", url_path="assessment"),
    ],
    tr("nav.section.reference"): [
        st.Page(f"{PAGES}/requirements.py", title=tr("nav.requirements"), icon="📚", url_path="requirements"),
    ],
}
page = st.navigation(pages)
run_guarded(page.run)
