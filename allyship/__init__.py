"""Allyship Accountability Dashboard.

Only :mod:`allyship.ui` and :mod:`allyship.web` import Streamlit (besides
``streamlit_app.py`` and ``pages/``); the layers are held by ``.importlinter``.
"""

__version__ = "0.1.0"
