"""Allyship Accountability Dashboard: the domain package.

Nothing in here imports Streamlit except :mod:`allyship.ui.common`.
"""

__version__ = "0.1.0"
