"""The report command: a chapter's report, or the organisation's."""

from __future__ import annotations

from pathlib import Path

import click
import sqlite_utils

from allyship.commands.common import (
    CHAPTER_HELP,
    DB_OPTION,
    fail,
    only_chapter,
    open_db,
    write_atomically,
)
from allyship.core.access import PermissionDenied
from allyship.core.models import Chapter, Member, ValidationError
from allyship.i18n import (
    SOURCE_LANGUAGE,
    available_languages,
    translator_for,
    translator_for_recipient,
)
from allyship.people import language_settings, roster

LANG_HELP = ("Language of the report's words, dates and numbers: " + ", ".join(
    available_languages()) + " (default: the chapter's default language, else English; "
    "the organisation report: English). What members wrote stays as written; CSV columns "
    "are the same in every language; this command's own messages stay in English.")


def report_actor(db: sqlite_utils.Database, chapter: str | None) -> tuple[Chapter, Member]:
    """The chapter to report on, and who it is produced as: the chapter's first active
    admin (the command line acts for the chapter; nobody signs in)."""
    found = only_chapter(db, chapter or None)
    admins = [m for m in roster.list_members(db, found.id, include_inactive=False)
              if m.is_admin]
    if not admins:
        fail(f"chapter {found.name!r} has no active admin to produce the report as")
    return found, min(admins, key=lambda m: m.id)


@click.command("report")
@DB_OPTION
@click.option("--from", "start", required=True, metavar="YYYY-MM-DD",
              help="First day of the period (the report covers whole weeks, Monday–Sunday).")
@click.option("--to", "end", required=True, metavar="YYYY-MM-DD", help="Last day of the period.")
@click.option("--team", default=None, help="One team's report (default: the whole chapter).")
@click.option("--chapter", "chapter_name", default=None, help=CHAPTER_HELP)
@click.option("--organisation", "org_level", is_flag=True,
              help="The organisation report (every chapter's aggregates) instead of a "
                   "chapter's; with --region NAME, one region's.")
@click.option("--region", "region_name", default=None,
              help="With --organisation: one region's chapters.")
@click.option("--format", "fmt", type=click.Choice(["html", "md", "csv"]), default="html",
              show_default=True, help="html: printable, opens offline, with charts; "
              "md: Markdown without charts; csv: the per-team and per-week figures.")
@click.option("--out", "out", required=True, type=click.Path(path_type=Path),
              help="File to write (replaced if it exists).")
@click.option("--lang", "lang", default=None, metavar="LANGUAGE",
              type=click.Choice(available_languages(), case_sensitive=False), help=LANG_HELP)
def report_cmd(db_path: Path | None, start: str, end: str, team: str | None,
               chapter_name: str | None, org_level: bool, region_name: str | None, fmt: str,
               out: Path, lang: str | None) -> None:
    """Write the chapter report for a period, e.g. last quarter:

    python -m allyship report --from 2026-07-01 --to 2026-09-30 --format html --out q3.html

    or, with --organisation [--region NAME], the organisation's report; --lang es writes
    it in Spanish.
    """
    from datetime import date

    from allyship.reports import chapter_report

    if out.is_dir():
        fail(f"cannot write {out}: it is a directory; give a file name")
    if not out.parent.is_dir():
        fail(f"cannot write {out}: the folder {out.parent} does not exist")
    db = open_db(db_path)
    if org_level or region_name is not None:
        if team is not None or chapter_name is not None:
            fail("--organisation reports on every chapter; leave out --team and --chapter")
        _organisation_report(db, start, end, region_name, fmt, out, lang)
        return
    chapter, actor = report_actor(db, chapter_name)
    # No reader to ask: the language given, else the chapter's, else English.
    tr = translator_for_recipient(lang, language_settings.chapter_language(db, chapter.id))
    team_id = None
    if team is not None:
        found = roster.find_team_by_name(db, chapter.id, team)
        if found is None:
            names = ", ".join(repr(t.name) for t in roster.list_teams(db, chapter.id))
            fail(f"no team called {team!r} in {chapter.name!r}; teams: {names or 'none'}")
        team_id = found.id
    try:
        assembled = chapter_report.assemble(db, actor, start=start, end=end, team_id=team_id,
                                    today=date.today(), tr=tr)
    except ValidationError as exc:
        fail("; ".join(exc.errors.values()))
    except PermissionDenied as exc:
        fail(str(exc))
    if assembled.empty:
        weeks = assembled.comparison.now
        fail(f"nothing to report for {weeks.period.dates}: it holds no complete week of the "
             f"programme, which began on {weeks.started:%d %b %Y}; choose later dates")
    data = chapter_report.render(assembled, fmt)
    write_atomically(out, data)
    click.echo(f"report written to {out} ({len(data):,} bytes): {assembled.scope_label}, "
               f"{assembled.period.label}")


def _organisation_report(db: sqlite_utils.Database, start: str, end: str,
                         region_name: str | None, fmt: str, out: Path,
                         lang: str | None = None) -> None:
    """The organisation report, produced as the operator (an organisation admin's view:
    aggregates only, by the same disclosure rules as the page)."""
    from datetime import date

    from allyship.people import organisation
    from allyship.reports import org_report

    region_id = None
    if region_name is not None:
        found = organisation.find_region(db, region_name)
        if found is None:
            names = ", ".join(repr(r.name) for r in organisation.list_regions(db))
            fail(f"no region called {region_name!r}; regions: {names or 'none'}")
        region_id = found.id
    # The operator reads as an organisation admin who belongs to no chapter.
    operator = Member(0, 0, None, "operator", "", "member", True, "org_admin", None)
    try:
        assembled = org_report.assemble(db, operator, start=start, end=end,
                                        region_id=region_id, today=date.today())
    except ValidationError as exc:
        fail("; ".join(exc.errors.values()))
    except PermissionDenied as exc:
        fail(str(exc))
    data = org_report.render(assembled, fmt, translator_for(lang or SOURCE_LANGUAGE))
    write_atomically(out, data)
    click.echo(f"organisation report written to {out} ({len(data):,} bytes): "
               f"{assembled.progress.scope_label}, {assembled.period.label}")
