"""Pay the server's one-off start-up costs before the first person arrives.

A fresh ``streamlit run`` process imports pandas and the figure modules, reads the
charts' templates and each language's data, and answers some questions of Streamlit's
once, on the first view that needs them: CPU that the first visitor after every restart
waited for. This lifespan hook does that work in a background thread as the server
starts; a page that arrives meanwhile waits on the import lock for the same imports
rather than repeating them.

Altair is not imported here: the charts' templates are shipped as data
(``allyship/charts/chart_templates.json``), so only a chart of more than 8 groups imports
it, on its first view.

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
        # before and after each; tests/test_warmup.py checks the first page of a member, a
        # lead and an admin, Team progress, Admin and Organisation).
        import pyarrow.pandas_compat  # noqa: F401 - Streamlit's pandas → Arrow on tables
        import pyarrow.vendored.version  # noqa: F401
        import streamlit.components.v2.manifest_scanner  # noqa: F401
        import streamlit.dataframe.lazy_df_adapters  # noqa: F401
        import streamlit.emojis  # noqa: F401
        import streamlit.material_icon_names  # noqa: F401 - icon names checked per element
        from PIL import Image  # the page icon is read as an image on every first run

        from allyship.charts import progress_charts
        from allyship.metrics import chapter_figures, my_weeks, org_figures  # noqa: F401
        from allyship.practice import tables  # noqa: F401
        from allyship.reports import chapter_report, org_report  # noqa: F401
        from allyship.rhythm import nudges  # noqa: F401
        from allyship.transfer import csv_import  # noqa: F401
        from allyship.ui import (  # noqa: F401
            a11y,
            chart_display,
            data_rights_sections,
            identity,
            member_forms,
            peer_sections,
            setup_checklist_section,
            setup_code_sections,
        )
        from allyship.web import page_runs  # noqa: F401

        Image.preinit()  # the common formats' readers, as opening the icon loads them
        progress_charts.warm_templates()
        _read_each_languages_data()
        _check_for_a_repl_now()
        # Streamlit runs a full gc.collect() after every script run (runner.postScriptGC),
        # and a full pass walks every object, including the many that importing pandas and
        # Streamlit leave for good. Frozen objects are skipped by every later pass; garbage
        # first, so none of it is frozen.
        gc.collect()
        gc.freeze()
    finally:
        _done.set()


def _read_each_languages_data() -> None:
    """Babel reads a language's data (its direction, how it writes days and numbers) on
    first use: read it now for each language the app speaks."""
    from datetime import date

    from allyship.i18n import available_languages, formatting, translator_for

    for language in available_languages():
        tr = translator_for(language)
        _ = tr.dir, formatting.format_day(tr, date.today()), formatting.format_number(tr, 1)


def _check_for_a_repl_now() -> None:
    """Streamlit asks once per process, as the first element is drawn, whether it runs
    in a Python REPL (to print how to start an app), by ``inspect.stack()`` over the
    drawing thread: 0.2 s of the first visitor's wait after every start, the stack of a
    page run being deep and its modules' files not yet looked up. Asked here instead, on
    this thread's short stack, in a server process (where the answer is no), it is not
    asked again."""
    from streamlit import delta_generator, runtime

    ask = getattr(delta_generator, "_maybe_print_use_warning", None)  # Streamlit's own
    if ask is not None and runtime.exists():
        ask()


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
