"""One engine per idea: an organisation of one chapter shows exactly that chapter's figures.

The organisation's figures are summed from the weekly roll-ups, the chapter's from its
own queries; both follow the one period rule (:mod:`allyship.metrics.periods`). Built on
the real demo chapter in a real SQLite file, for every period the pages offer and a few
awkward ones (the week in progress, weeks before the programme began).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from allyship import demo
from allyship.metrics import org_figures, overview
from allyship.metrics.periods import Period, period_options, programme_start
from allyship.metrics.scopes import Scope
from allyship.people import organisation, roster

TODAY = date.today()


@pytest.fixture
def one_chapter(db):
    """The demo chapter as the only chapter of an organisation, its admin also the
    organisation's admin."""
    demo.build(db, today=TODAY)
    organisation.set_organisation_name(db, None, "One Chapter Society", operator=True)
    region = organisation.create_region(db, None, "Everywhere", operator=True)
    admin = roster.find_member_by_email(db, demo.PERSONAS["admin"])
    organisation.move_chapter(db, None, admin.chapter_id, region.id, operator=True)
    admin = organisation.grant_org_role(db, None, admin.email, "org_admin", operator=True)
    return db, admin


def periods_to_check(db, chapter_id: int) -> list[Period]:
    offered, _ = period_options(db, chapter_id, TODAY)
    started = programme_start(db, chapter_id)
    return [*offered.values(), Period.this_week(TODAY),
            Period(started - timedelta(weeks=2), started + timedelta(weeks=3, days=6))]


def test_an_organisation_of_one_chapter_shows_that_chapters_figures(one_chapter):
    db, admin = one_chapter
    for period in periods_to_check(db, admin.chapter_id):
        org = org_figures.org_progress(db, admin, period, today=TODAY)
        chapter = overview.team_progress(db, admin, Scope(admin.chapter_id), period, today=TODAY)
        lines = {line.kind: line for line in org.lines}
        assert set(lines) == {"chapter", "region", "organisation"}, period
        for kind in ("chapter", "region", "organisation"):
            f = lines[kind].figures
            assert f is not None, (period, kind)
            where = (period, kind)
            assert f.members == chapter.members, where
            assert f.participation == chapter.headline("participation").value, where
            assert f.steady_share == chapter.headline("steady").value, where
            assert f.practised == chapter.headline("coverage").value, where
            assert f.actions == chapter.headline("actions").value, where
            assert f.minutes == chapter.headline("minutes").value, where
            assert f.steps_overdue == chapter.headline("overdue").value, where
            assert f.steps_done == chapter.follow_through_total()["done"], where
            assert f.steady == chapter.steadiness.steady, where
            assert f.steady_counted == chapter.steadiness.counted, where


def test_the_weekly_participation_is_the_chapters_own_series(one_chapter):
    db, admin = one_chapter
    for period in periods_to_check(db, admin.chapter_id):
        org = org_figures.org_progress(db, admin, period, today=TODAY)
        chapter = overview.team_progress(db, admin, Scope(admin.chapter_id), period, today=TODAY)
        name = roster.get_chapter(db, admin.chapter_id).name
        org_weeks = org.weekly[org.weekly["group"] == name]
        own = chapter.participation[chapter.participation["is_total"].astype(bool)]
        assert list(org_weeks["week"]) == list(own["week"]), period
        assert list(org_weeks["participants"]) == list(own["participants"]), period
        assert list(org_weeks["counted"]) == list(own["counted"]), period
        assert org_weeks["share"].tolist() == pytest.approx(own["share"].tolist(),
                                                            nan_ok=True), period


def test_changes_are_compared_when_and_only_when_the_chapter_compares_them(one_chapter):
    db, admin = one_chapter
    compared = 0
    for n in (1, 4, 8, 12):
        for period in (Period.last_weeks(n, TODAY), *periods_to_check(db, admin.chapter_id)):
            org = org_figures.org_progress(db, admin, period, today=TODAY)
            chapter = overview.team_progress(db, admin, Scope(admin.chapter_id), period,
                                             today=TODAY)
            assert (org.comparison.previous is not None) == chapter.comparison.comparable, period
            if chapter.comparison.comparable:
                compared += 1
                before = org.comparison.previous
                assert org.comparison.note == chapter.note
                assert before.participation == chapter.headline("participation").previous
                assert before.steady_share == chapter.headline("steady").previous
                assert before.practised == chapter.headline("coverage").previous
                assert before.actions == chapter.headline("actions").previous
                assert before.minutes == chapter.headline("minutes").previous
                assert before.steps_overdue == chapter.headline("overdue").previous
    assert compared  # the demo's 20 weeks hold at least one pair of comparable periods
