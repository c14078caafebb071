"""Streamlit-aware helpers the pages use: the database handle, who is acting, sign-in,
navigation and shared page sections. May import Streamlit."""
