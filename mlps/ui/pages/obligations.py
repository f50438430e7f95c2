"""Placeholder while the page is being written."""

import streamlit as st

st.title("obligations")
