"""Pay the server's one-off start-up costs before the first person arrives.

A fresh ``streamlit run`` process imports pandas and the figure modules and reads the
charts' templates on the first view that needs them: CPU that the first lead after every
restart waited for. This lifespan hook does that work in a background thread as the
server starts; a page that arrives meanwhile waits on the import lock for the same
imports rather than repeating them.

Altair is not imported here: the charts' templates are shipped as data
(``allyship/charts/chart_templates.json``), so only the *Organisation* page's chart and a
chart of more than 8 groups import it, on their first view.

``ALLYSHIP_PRELOAD=0`` switches it off.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import AsyncIterator
from typing import Any

_done = threading.Event()


def preload_now() -> None:
    """Import the heavy modules and read the charts' templates, so no first view of a
    chapter waits for them; then set what start-up made aside from the garbage
    collector's full passes."""
    try:
        import gc

        import pandas as pd  # noqa: F401 - imported for its cost

        # What the first page views imported on their own (found by comparing sys.modules
        # before and after a lead's first My week and Team progress).
        import pyarrow.pandas_compat  # noqa: F401 - Streamlit's pandas → Arrow on tables
        import streamlit.dataframe.lazy_df_adapters  # noqa: F401
        import streamlit.material_icon_names  # noqa: F401 - icon names checked per element

        from allyship.charts import progress_charts
        from allyship.metrics import chapter_figures  # noqa: F401 - imported for its cost
        from allyship.practice import tables  # noqa: F401
        from allyship.reports import chapter_report  # noqa: F401 - imported for its cost
        from allyship.ui import a11y, chart_display, identity, peer_sections  # noqa: F401

        progress_charts.warm_templates()
        # Streamlit runs a full gc.collect() after every script run (runner.postScriptGC),
        # and a full pass walks every object, including the many that importing pandas and
        # Streamlit leave for good. Frozen objects are skipped by every later pass; garbage
        # first, so none of it is frozen.
        gc.collect()
        gc.freeze()
    finally:
        _done.set()


def enabled() -> bool:
    return os.environ.get("ALLYSHIP_PRELOAD", "1").strip().lower() not in ("0", "false", "no")


@contextlib.asynccontextmanager
async def preload(app: Any) -> AsyncIterator[None]:
    """Lifespan hook (``web.LIFESPAN_HOOKS``): start preloading; never delays start-up."""
    if enabled():
        threading.Thread(target=preload_now, name="allyship-preload", daemon=True).start()
    yield


def wait(timeout: float | None = None) -> bool:
    """Whether preloading has finished (within ``timeout`` seconds)."""
    return _done.wait(timeout)
