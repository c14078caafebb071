"""The server gives memory back after a busy spell (issue 13: RSS "not released")."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap

import pytest

from allyship.web import memory, registry

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent

# Freed blocks that sit below a live one: CPython has freed them, but glibc keeps the
# pages (the heap cannot shrink past the live block) until it is asked to trim.
SPELL = textwrap.dedent("""
    import threading
    from allyship.web import memory

    def busy():
        global keep
        blocks = [bytes(4000) for _ in range(50_000)]  # ~200 MB through malloc
        keep = [bytes(4000) for _ in range(20)]  # live blocks on top of them
        del blocks

    t = threading.Thread(target=busy)  # a worker thread, as a script run is
    t.start(); t.join()
    before = memory.rss_bytes()
    asked = memory.trim_now()
    print(before, memory.rss_bytes(), asked)
""")


def test_a_trim_returns_the_pages_a_busy_spell_freed():
    out = subprocess.run([sys.executable, "-c", SPELL], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=True).stdout.split()
    before, after, asked = int(out[0]), int(out[1]), out[2] == "True"
    if not asked:
        pytest.skip("this C library has no malloc_trim")
    assert before - after > 100 * 2**20, f"RSS {before / 2**20:.0f} → {after / 2**20:.0f} MiB"


def test_the_server_trims_on_a_timer_while_it_runs(monkeypatch):
    monkeypatch.setenv("ALLYSHIP_TRIM_SECONDS", "0.02")

    async def serve_until_two_rounds() -> int:
        # A collection in a big process (the whole test suite) can take a while: wait
        # for the rounds rather than for a fixed time.
        start = memory.rounds
        async with memory.trimmer(None):
            for _ in range(600):
                if memory.rounds - start >= 2:
                    break
                await asyncio.sleep(0.05)
        return memory.rounds - start

    assert asyncio.run(serve_until_two_rounds()) >= 2
    assert memory.trimmer in registry.LIFESPAN_HOOKS


@pytest.mark.parametrize("raw, expected", [("0", 0.0), ("", memory.DEFAULT_SECONDS),
                                           ("soon", memory.DEFAULT_SECONDS), ("-5", 0.0),
                                           ("nan", memory.DEFAULT_SECONDS), ("12.5", 12.5)])
def test_the_interval_comes_from_the_environment_and_bad_values_fall_back(
        monkeypatch, raw, expected):
    monkeypatch.setenv("ALLYSHIP_TRIM_SECONDS", raw)
    assert memory.interval() == expected


def test_zero_switches_trimming_off(monkeypatch):
    monkeypatch.setenv("ALLYSHIP_TRIM_SECONDS", "0")

    async def serve_a_while() -> int:
        start = memory.rounds
        async with memory.trimmer(None):
            await asyncio.sleep(0.1)
        return memory.rounds - start

    assert asyncio.run(serve_a_while()) == 0


def test_pages_do_not_force_a_full_collection_after_every_run():
    """The server's memory is looked after by the trimmer instead (see config.toml)."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["runner"]["postScriptGC"] is False
    assert memory.trimmer in registry.LIFESPAN_HOOKS


def test_outside_a_server_there_are_no_sessions_to_let_go_of():
    assert memory.reap_expired_sessions() == 0


@pytest.mark.slow
@pytest.mark.skipif(__import__("allyship.web.serve", fromlist=["x"]).find_nginx() is None
                    and __import__("os").environ.get("ALLYSHIP_REQUIRE_BROWSER") != "1",
                    reason="nginx is not installed (apt-get install nginx)")
def test_a_real_server_lets_go_of_a_closed_tabs_session_once_its_reconnect_time_is_over(
        demo_template, tmp_path):
    """Streamlit keeps a closed tab's session for ``server.disconnectedSessionTTL`` (a
    phone that lost its signal gets its page back) but drops it only when another
    session is stored; the trimmer drops it once the time is over, and says so in the
    server's log. Also checks that this Streamlit still keeps sessions where
    :func:`memory.reap_expired_sessions` looks (it reaches into Streamlit)."""
    import time

    from allyship.people import sessions
    from allyship.web import serve
    from bench import concurrency, wsclient

    db_path = tmp_path / "sessions.db"
    leads, _writer = concurrency.prepare_database(demo_template, db_path, 1)
    (token,) = concurrency.session_cookies(db_path, leads[:1])
    env = {"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": "1", "ALLYSHIP_TRIM_SECONDS": "0.5"}
    said = "Let go of 1 closed session whose time to reconnect was over."
    with serve.Deployment(db_path, processes=1, host="127.0.0.1", port=serve.free_port(),
                          say=lambda _line: None, extra_env=env) as d:
        async def visit() -> None:
            async with wsclient.Tab(d.url, {sessions.COOKIE_NAME: token}) as tab:
                concurrency.check_page(await tab.run(), "My week", "the lead")

        asyncio.run(visit())
        log = d.backends[0].log
        deadline = time.monotonic() + 60
        while said not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert said in log.read_text(), log.read_text()[-3000:]


def test_arrows_buffers_go_on_the_c_librarys_allocator_which_a_trim_reaches():
    import pyarrow as pa

    async def start_the_server_hooks() -> None:
        async with memory.trimmer(None):
            pass

    asyncio.run(start_the_server_hooks())
    assert pa.default_memory_pool().backend_name == "system"


@pytest.mark.slow
def test_the_server_puts_arrow_on_the_c_librarys_allocator_before_pyarrow_is_imported():
    # Set later, pyarrow's bundled mimalloc still takes a 1 GiB arena on the first Arrow
    # conversion and keeps what it touched (~8 MB after twenty leads' views); Arrow reads
    # ARROW_DEFAULT_MEMORY_POOL only as pyarrow loads. The server imports
    # streamlit_app.py (to find `app`) before any page runs.
    probe = textwrap.dedent("""
        import os, sys
        os.environ.pop("ARROW_DEFAULT_MEMORY_POOL", None)
        sys.path.insert(0, os.getcwd())
        import streamlit_app  # what `streamlit run` imports to find the app
        import pyarrow as pa
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, pa.schema([("a", pa.int64())])) as w:
            w.write_table(pa.table({"a": list(range(1000))}))
        arenas = [line for line in open("/proc/self/maps")
                  if (lambda a, b: int(b, 16) - int(a, 16))(*line.split()[0].split("-"))
                  >= 2 ** 30]
        print(pa.default_memory_pool().backend_name, len(arenas))
    """)
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    backend, gib_arenas = done.stdout.split()
    assert backend == "system"
    assert gib_arenas == "0"  # no mimalloc arena reserved


def test_a_trim_closes_the_database_connections_no_page_run_is_using(demo_db):
    """Each connection keeps its page cache and up to 128 compiled statements; the
    trimmer closes those waiting in the pool, and the next run opens a fresh one."""
    import threading

    from allyship.ui import common

    common.close_pooled_connections()
    runs = [threading.Thread(target=common.get_db) for _ in range(2)]
    for run in runs:  # a page run's thread: its connection goes back to the pool at its end
        run.start()
        run.join()
    assert memory.close_idle_connections() == 1  # one run at a time: one connection reused
    assert memory.close_idle_connections() == 0
    after = threading.Thread(target=lambda: common.get_db().execute("SELECT 1").fetchone())
    after.start()
    after.join()
    assert memory.close_idle_connections() == 1
