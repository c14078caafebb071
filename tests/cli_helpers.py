"""The command line as tests walk it."""

from __future__ import annotations

import click

from allyship import cli


def every_command(group: click.Group = cli.main, path: tuple[str, ...] = ()
                  ) -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command under ``group`` and its subcommands, each with its words, as click
    lists and finds them (the group loads a command's module when it is asked for)."""
    found = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        found.append(((*path, name), command))
        if isinstance(command, click.Group):
            found.extend(every_command(command, (*path, name)))
    return found
