"""`python -m allyship init` ends with next steps that work as printed, and the server
sends no usage statistics."""

from __future__ import annotations

import pytest

from allyship.db import store
from allyship.people import passwords

PASSWORD = "correct horse battery"


# --- `init` says what to do next ----------------------------------------------------------

def printed_steps(output: str) -> tuple[list[str], list[str]]:
    """The set-up code command and the command that starts the app, as printed."""
    import shlex

    lines = [line.strip() for line in output.splitlines()]
    setup = next(line for line in lines
                 if line.startswith(".venv/bin/python -m allyship setup-code"))
    serve = next(line for line in lines if line.startswith(".venv/bin/streamlit run"))
    return shlex.split(setup), shlex.split(serve)


@pytest.mark.slow
def test_init_ends_with_next_steps_that_work_as_printed(tmp_path):
    import subprocess
    import sys

    from click.testing import CliRunner
    from tests_paths import ROOT

    from allyship.cli import main as cli_main

    path = tmp_path / "a folder with spaces" / "chapter.db"
    result = CliRunner().invoke(cli_main, ["init", "--db", str(path), "--chapter", "Riverbend",
                                           "--admin-name", "Jordan", "--admin-email",
                                           "jordan@example.org"])
    assert result.exit_code == 0, result.output
    assert "Next steps" in result.output and "First time? Use a set-up code" in result.output
    setup, serve = printed_steps(result.output)
    assert serve[-3:] == ["--", "--db", str(path.resolve())]
    port = int(serve[serve.index("--server.port") + 1])
    assert f"http://localhost:{port}" in result.output
    done = subprocess.run([sys.executable, *setup[1:]], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=True)
    code = done.stdout.split(": ", 1)[1].split()[0]
    db = store.connect(path)
    assert passwords.redeem_setup_code(db, "jordan@example.org", code, PASSWORD).is_admin
    db.conn.close()


def test_init_offers_a_free_port_when_the_demo_holds_8501(tmp_path):
    import socket

    from allyship.commands.setup import init_next_steps

    with socket.socket() as demo_server:
        try:
            demo_server.bind(("127.0.0.1", 8501))
            demo_server.listen()
        except OSError:
            pass  # something here already holds 8501: the same situation
        steps = init_next_steps(tmp_path / "c.db", "jordan@example.org")
    assert "--server.port 8501" not in steps and "8501 is taken" in steps


@pytest.mark.slow
def test_an_admin_lifts_a_lockout_on_the_admin_page(demo_db):
    from apptest_helpers import open_admin_tab, open_as, persona

    db, member = persona(demo_db, "member")
    _, admin = persona(demo_db, "admin")
    for _ in range(passwords.MAX_FAILURES):
        with pytest.raises(passwords.SignInFailed):
            passwords.sign_in_with_password(db, member.email, "someone else's guess")
    at = open_as(demo_db, "admin", "pages/admin.py")
    open_admin_tab(at, "Sign-in codes")
    assert at.selectbox(key="lockout_member").value == member.id
    at.button(key="FormSubmitter:clear_lockout-Lift the lockout").click().run()
    assert not at.exception
    assert any("Lifted the lockout" in s.value for s in at.success)
    assert passwords.lockouts(db, admin) == {}
    assert any("Nobody is locked out" in c.value for c in at.caption)
    db.conn.close()


@pytest.mark.slow
def test_the_server_sends_no_usage_statistics_and_viewers_get_no_deploy_button():
    import subprocess
    import sys

    from tests_paths import ROOT

    shown = subprocess.run(
        [sys.executable, "-c", "from streamlit import config; config.get_config_options();"
         "print(config.get_option('browser.gatherUsageStats'),"
         " config.get_option('client.toolbarMode'))"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout.split()
    assert shown == ["False", "viewer"]
