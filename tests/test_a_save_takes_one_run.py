"""Logging an action costs the server one run of the page it is logged on (*Log actions*,
or *My week*'s quick log): the submit's own run saves it, confirms it at the top and
draws an empty form — no second run (``st.rerun()``) to show what the first one already
knew. Twenty members saving at once queue on one process, so every run a save needs is
paid twenty times.

Spoken as a browser tab does, over a real ``streamlit run`` server behind nginx.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
from pathlib import Path

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

from allyship.people import sessions
from allyship.web import serve
from bench import concurrency, wsclient

pytestmark = [pytest.mark.server,
              pytest.mark.skipif(serve.find_nginx() is None and
                                 os.environ.get("ALLYSHIP_REQUIRE_BROWSER") != "1",
                                 reason="nginx is not installed (apt-get install nginx)")]


def _submit(form: wsclient.Run, text: str) -> list:
    return [wsclient.value(form.widget("text_area", "What I did", "log_action_"), text),
            wsclient.value(form.widget("checkbox", concurrency.WRITE_TICK, "log_action_"), True),
            wsclient.trigger(form.widget("button", "Log action", "log_action_"))]


def test_an_action_is_saved_confirmed_and_its_form_emptied_in_the_run_its_submit_starts(
        demo_template: Path, tmp_path: Path):
    db_path = tmp_path / "app.db"
    _leads, writer = concurrency.prepare_database(demo_template, db_path, 1)
    (token,) = concurrency.session_cookies(db_path, [writer])
    with serve.Deployment(db_path, processes=1, host="127.0.0.1", port=serve.free_port(),
                          say=lambda _line: None) as d:

        async def scenario() -> tuple[wsclient.Run, wsclient.Run, wsclient.Run]:
            async with wsclient.Tab(d.url, {sessions.COOKIE_NAME: token}) as tab:
                await tab.run()
                form = await tab.run("Log actions")
                saved = await tab.finish(await tab.request(
                    "Log actions", _submit(form, "Walked the new trail with the access group")))
                refused = await tab.finish(await tab.request(
                    "Log actions", _submit(saved, "   ")))
                return form, saved, refused

        form, saved, refused = asyncio.run(scenario())

    assert saved.reruns == 0, "the save and its confirmation took one run"
    assert saved.exceptions == []
    assert any(a.startswith("Action logged. *Walked the new trail") for a in saved.alerts)
    before = form.widget("text_area", "What I did", "log_action_")
    after = saved.widget("text_area", "What I did", "log_action_")
    assert after.form_id != before.form_id, "a new, empty form after the save"
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT count(*) FROM actions WHERE description = ?",
                            ["Walked the new trail with the access group"]).fetchone()[0]
    assert rows == 1
    # A refusal is one run too: the form is drawn again as sent, with what was wrong.
    assert refused.reruns == 0
    assert any(a.startswith("Nothing was saved") for a in refused.alerts)
    assert not any(a.startswith("Action logged.") for a in refused.alerts)


def test_a_quick_log_is_saved_confirmed_and_shown_in_this_week_in_the_run_its_submit_starts(
        demo_template: Path, tmp_path: Path):
    db_path = tmp_path / "app.db"
    _leads, writer = concurrency.prepare_database(demo_template, db_path, 1)
    (token,) = concurrency.session_cookies(db_path, [writer])
    text = "Asked the access group which trail to survey first"
    with serve.Deployment(db_path, processes=1, host="127.0.0.1", port=serve.free_port(),
                          say=lambda _line: None) as d:

        async def scenario() -> tuple[wsclient.Run, wsclient.Run]:
            async with wsclient.Tab(d.url, {sessions.COOKIE_NAME: token}) as tab:
                form = await tab.run()  # My week, the quick log at its top
                pills = form.widget("button_group", "Responsibilities practised", "quick_log_")
                first = next(e.button_group.options[0].content for e in form.elements.values()
                             if e.WhichOneof("type") == "button_group")
                picked = WidgetState(id=pills.id)
                picked.string_array_value.data.append(first)  # as the browser sends a pill
                states = [wsclient.value(form.widget("text_area", "What did you do?",
                                                     "quick_log_"), text), picked,
                          wsclient.trigger(form.widget("button", "Log it", "quick_log_"))]
                return form, await tab.finish(await tab.request("My week", states))

        form, saved = asyncio.run(scenario())

    assert saved.reruns == 0, "the save, its confirmation and the week took one run"
    assert saved.exceptions == []
    assert any(a.startswith("Logged: *" + text[:20]) for a in saved.alerts), saved.alerts
    shown = [getattr(getattr(e, e.WhichOneof("type")), "body", "")
             for e in saved.elements.values()]
    assert any(text in str(body) for body in shown), "this week's list shows it already"
    before = form.widget("text_area", "What did you do?", "quick_log_")
    after = saved.widget("text_area", "What did you do?", "quick_log_")
    assert after.form_id != before.form_id, "a new, empty form after the save"
