"""Figures, never about one person: the period rule (``periods``), whose figures
(``scopes``), the chapter's measures (``chapter_figures``, shaped by ``frames`` and
``rolling``), a view's headlines and frame set (``overview``), the organisation's
figures (``org_figures``) and what a viewer may see (``disclosure``)."""
