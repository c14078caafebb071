"""The command line: ``python -m allyship COMMAND``. ``--help`` on each command.

Commands report failures as one line on stderr and exit non-zero. The commands live in
:mod:`allyship.commands`, one module per concern.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import click

from allyship.commands import data, org, reports, rights, running, setup
from allyship.commands.common import fail


class _OneLineErrors(click.Group):
    """Any failure a command did not foresee still ends in one line and a non-zero exit,
    never a traceback (an unwritable path, undecodable bytes in an argument…)."""

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


for _command in (setup.demo_cmd, setup.init_cmd, setup.setup_code_cmd, reports.report_cmd,
                 org.org_group, data.export_cmd, data.import_cmd, data.backup_cmd,
                 data.check_cmd, rights.forget_cmd, rights.my_data_cmd, rights.retention_group,
                 running.nudges_group, running.serve_cmd):
    main.add_command(_command)
