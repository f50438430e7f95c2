"""The server entry point: `streamlit run serve.py` serves app.py with the workbench's own HTTP routes and
middleware (session cookie, signed-in-only file downloads, security headers; see mlps/ui/web.py)."""

import streamlit as st

from mlps.ui.web import middleware, routes

app = st.App("app.py", routes=routes(), middleware=middleware())
