"""Entry point: page configuration, language, and navigation over the pages in mlps/ui/pages."""

import streamlit as st

from mlps.ui.common import language_switch, run_guarded, tr

st.set_page_config(page_title="MLPS Workbench · 等保工作台", page_icon="🛡️", layout="wide")
language_switch()
st.sidebar.caption(tr("app.subtitle"))

pages = {
    tr("nav.section.reference"): [
        st.Page("mlps/ui/pages/requirements.py", title=tr("nav.requirements"), icon="📚", url_path="requirements"),
    ],
}
page = st.navigation(pages)
run_guarded(page.run)
