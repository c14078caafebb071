"""The command line: ``python -m allyship COMMAND``. ``--help`` on each command.

Commands report failures as one line on stderr and exit non-zero. The commands live in
:mod:`allyship.commands`, one module per concern.
"""

from __future__ import annotations

import importlib
import sqlite3
from typing import Any

import click

from allyship.commands.common import fail

# Each command's name, module (in allyship.commands) and object. A command's module is
# imported when that command runs or is listed, not before: `report` then starts without
# the importers', setup's and server's code (measured in docs/performance.md).
_COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("setup", "demo_cmd"), "init": ("setup", "init_cmd"),
    "setup-code": ("setup", "setup_code_cmd"), "report": ("reports", "report_cmd"),
    "org": ("org", "org_group"), "export": ("data", "export_cmd"),
    "import": ("data", "import_cmd"), "backup": ("data", "backup_cmd"),
    "check": ("data", "check_cmd"), "forget": ("rights", "forget_cmd"),
    "my-data": ("rights", "my_data_cmd"), "retention": ("rights", "retention_group"),
    "nudges": ("running", "nudges_group"), "serve": ("running", "serve_cmd"),
}


class _OneLineErrors(click.Group):
    """The command group: commands loaded when used (see ``_COMMANDS``), and any failure
    a command did not foresee still ends in one line and a non-zero exit, never a
    traceback (an unwritable path, undecodable bytes in an argument…)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in _COMMANDS:
            return None
        module, name = _COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"allyship.commands.{module}"), name)
        assert command.name == cmd_name, (cmd_name, command.name)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except UnicodeError:
            fail("an argument holds bytes that are not valid text; check the terminal's "
                 "encoding")
        except (OSError, sqlite3.Error) as exc:
            fail(f"{exc}")
        except Exception as exc:  # the last resort: say what, in one line
            fail(f"{type(exc).__name__}: {exc}")


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Allyship Accountability Dashboard: set up, fill and look after a chapter's database."""
