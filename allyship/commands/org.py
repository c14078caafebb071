"""The organisation above the chapters: regions, chapters, organisation roles."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import sqlite_utils

from allyship.commands.common import (
    CHAPTER_HELP,
    DB_OPTION,
    fail,
    find_chapter,
    open_db,
)
from allyship.core.access import PermissionDenied
from allyship.core.models import ValidationError
from allyship.people import organisation


@click.group("org")
def org_group() -> None:
    """The organisation above the chapters: regions, chapters, organisation roles.
    The command line acts as the operator (audited as "cli")."""


def _org_call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn`` called as the operator; a refusal fails in one line."""
    try:
        return fn(*args, operator=True, **kwargs)
    except ValidationError as exc:
        fail("; ".join(exc.errors.values()))
    except PermissionDenied as exc:
        fail(str(exc))


def _find_region_id(db: sqlite_utils.Database, name: str | None) -> int | None:
    if name is None:
        return None
    found = organisation.find_region(db, name)
    if found is None:
        fail(f"no region called {name!r}; create it with `python -m allyship org region NAME`")
    return found.id


@org_group.command("name")
@DB_OPTION
@click.argument("name")
def org_name_cmd(db_path: Path | None, name: str) -> None:
    """Set the organisation's name."""
    db = open_db(db_path)
    click.echo(f"organisation: {_org_call(organisation.set_organisation_name, db, None, name)}")


@org_group.command("region")
@DB_OPTION
@click.argument("name")
def org_region_cmd(db_path: Path | None, name: str) -> None:
    """Add a region (a named group of chapters)."""
    db = open_db(db_path)
    region = _org_call(organisation.create_region, db, None, name)
    click.echo(f"added region {region.name!r}")


@org_group.command("create-chapter")
@DB_OPTION
@click.option("--chapter", required=True, help="The new chapter's name.")
@click.option("--admin-name", required=True, help="Its first admin's name.")
@click.option("--admin-email", required=True, help="Its first admin's email.")
@click.option("--region", "region_name", default=None, help="The region to put it in.")
@click.option("--started-on", default=None, metavar="YYYY-MM-DD",
              help="When its programme starts (default: today).")
def org_create_chapter_cmd(db_path: Path | None, chapter: str, admin_name: str,
                           admin_email: str, region_name: str | None,
                           started_on: str | None) -> None:
    """Create a chapter with its first admin, and print that admin's one-time set-up code."""
    db = open_db(db_path)
    made = _org_call(organisation.create_chapter_with_admin, db, None, name=chapter,
                     admin_name=admin_name, admin_email=admin_email,
                     region_id=_find_region_id(db, region_name), started_on=started_on)
    click.echo(f"created chapter {made.chapter.name!r} with admin {made.admin.email}")
    click.echo(f"one-time set-up code for {made.admin.email}: {made.code} "
               f"(valid until {made.expires_at:%Y-%m-%d %H:%M} UTC)")


@org_group.command("move-chapter")
@DB_OPTION
@click.option("--chapter", required=True, help=CHAPTER_HELP.split(" (")[0] + ".")
@click.option("--region", "region_name", default=None,
              help="The region to move it to (leave out: no region).")
def org_move_chapter_cmd(db_path: Path | None, chapter: str, region_name: str | None) -> None:
    """Move a chapter to another region."""
    db = open_db(db_path)
    ch = find_chapter(db, chapter)
    _org_call(organisation.move_chapter, db, None, ch.id, _find_region_id(db, region_name))
    click.echo(f"moved {ch.name!r} to {region_name or organisation.NO_REGION!r}")


@org_group.command("archive-chapter")
@DB_OPTION
@click.option("--chapter", required=True, help=CHAPTER_HELP.split(" (")[0] + ".")
@click.option("--restore", is_flag=True, help="Bring an archived chapter back.")
def org_archive_chapter_cmd(db_path: Path | None, chapter: str, restore: bool) -> None:
    """Archive a chapter that has closed (its records are kept), or restore it."""
    db = open_db(db_path)
    ch = find_chapter(db, chapter)
    _org_call(organisation.archive_chapter, db, None, ch.id, archived=not restore)
    click.echo(f"{'restored' if restore else 'archived'} {ch.name!r}")


@org_group.command("grant")
@DB_OPTION
@click.option("--email", required=True, help="The member's email.")
@click.option("--role", type=click.Choice(["org_admin", "region_lead"]), required=True,
              help="org_admin: an organisation admin (every chapter's aggregates); "
                   "region_lead: one region's (give --region).")
@click.option("--region", "region_name", default=None, help="A region lead's region.")
def org_grant_cmd(db_path: Path | None, email: str, role: str, region_name: str | None) -> None:
    """Give a member an organisation role."""
    db = open_db(db_path)
    member = _org_call(organisation.grant_org_role, db, None, email, role,
                       region_id=_find_region_id(db, region_name))
    click.echo(f"{member.email} is now {organisation.ORG_ROLE_LABELS[role].lower()}")
