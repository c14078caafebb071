"""The weekly rhythm's rules (who is due when) and what each message says."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage

import pytest

from allyship.core import access
from allyship.core.models import (
    ActionDraft,
    MemberDraft,
    PlanDraft,
    PlanItemDraft,
    ValidationError,
)
from allyship.people import roster
from allyship.practice import journal, plans
from allyship.rhythm import mail, nudges
from tests.membership_helpers import belonged_all_along, took_part

UTC = timezone.utc


def _due(db, now: datetime) -> set[tuple[str, str, date]]:
    return {(d.member.email, d.kind, d.week) for d in nudges.due_messages(db, now)}


def _log(db, member, day: date) -> None:
    journal.log_action(db, member, ActionDraft(day, "Listened at the planning call", (2,)))


# Each case: chapter time zone, the member's setting (weekday, hour) or None (opted out),
# what else happened, the moment of the run (UTC), and whether the reminder is due
# (with the chapter-local week it belongs to).
CASES = [
    # name, time zone, setting, setup, now (UTC), expected week or None
    ("opted out", "UTC", None, None, datetime(2026, 11, 20, 18, tzinfo=UTC), None),
    ("opted in, after the hour", "UTC", (4, 17), None,
     datetime(2026, 11, 20, 17, 5, tzinfo=UTC), date(2026, 11, 16)),
    ("opted in, a minute before the hour", "UTC", (4, 17), None,
     datetime(2026, 11, 20, 16, 59, tzinfo=UTC), None),
    ("later in the same week: still due once (cron was down)", "UTC", (4, 17), None,
     datetime(2026, 11, 22, 23, 59, tzinfo=UTC), date(2026, 11, 16)),
    ("marked away that week", "UTC", (4, 17), "away",
     datetime(2026, 11, 20, 18, tzinfo=UTC), None),
    ("already logged that week", "UTC", (4, 17), "logged",
     datetime(2026, 11, 20, 18, tzinfo=UTC), None),
    ("logged only the week before: due", "UTC", (4, 17), "logged last week",
     datetime(2026, 11, 20, 18, tzinfo=UTC), date(2026, 11, 16)),
    ("deactivated", "UTC", (4, 17), "deactivated",
     datetime(2026, 11, 20, 18, tzinfo=UTC), None),
    # Auckland is UTC+13 in November: Sunday 19:30 UTC is already Monday 08:30 there,
    # in the chapter's *next* week.
    ("time zone ahead: the local Monday has begun", "Pacific/Auckland", (0, 8), None,
     datetime(2026, 11, 22, 19, 30, tzinfo=UTC), date(2026, 11, 23)),
    ("time zone ahead: a minute before the local hour", "Pacific/Auckland", (0, 8), None,
     datetime(2026, 11, 22, 18, 59, tzinfo=UTC), None),
    ("time zone ahead: logging on the local Monday counts", "Pacific/Auckland", (0, 8),
     "logged local monday", datetime(2026, 11, 22, 19, 30, tzinfo=UTC), None),
    # Honolulu (UTC−10): Saturday 23:00 local is Sunday 09:00 UTC — still Saturday there.
    ("time zone behind: UTC's Sunday is the local Saturday", "Pacific/Honolulu", (5, 23), None,
     datetime(2026, 11, 22, 9, 0, tzinfo=UTC), date(2026, 11, 16)),
    # New York leaves daylight saving on Sunday 1 November 2026: 09:00 that day is
    # 14:00 UTC (EST), not 13:00 (EDT).
    ("DST ends that week: not due at the summer-time hour", "America/New_York", (6, 9), None,
     datetime(2026, 11, 1, 13, 30, tzinfo=UTC), None),
    ("DST ends that week: due at the winter-time hour", "America/New_York", (6, 9), None,
     datetime(2026, 11, 1, 14, 0, tzinfo=UTC), date(2026, 10, 26)),
    # The Friday before, still summer time: 09:00 EDT is 13:00 UTC.
    ("the week DST ends: the Friday still on summer time", "America/New_York", (4, 9), None,
     datetime(2026, 10, 30, 13, 0, tzinfo=UTC), date(2026, 10, 26)),
]


@pytest.mark.parametrize("name,tz,setting,setup,now,week", CASES, ids=[c[0] for c in CASES])
def test_reminder_rules(chapter, name, tz, setting, setup, now, week) -> None:
    db, m = chapter.db, chapter.member
    nudges.save_chapter_settings(db, chapter.admin, time_zone=tz, public_url="")
    if setting:
        nudges.save_setting(db, m, "reminder", enabled=True, weekday=setting[0], hour=setting[1])
    if setup == "away":
        journal.set_away(db, m, date(2026, 11, 16), True)
    elif setup == "logged":
        _log(db, m, date(2026, 11, 17))
    elif setup == "logged last week":
        _log(db, m, date(2026, 11, 13))
    elif setup == "logged local monday":
        _log(db, m, date(2026, 11, 23))
    elif setup == "deactivated":
        roster.set_member_active(db, chapter.admin, m.id, False)
    due = {(k, w) for e, k, w in _due(db, now) if e == m.email}
    assert due == ({("reminder", week)} if week else set())


def test_dst_begins_an_hour_that_does_not_exist_falls_due_an_hour_later(chapter) -> None:
    """Clocks go forward at 02:00 on 8 March 2026 in New York: 02:00 does not exist that
    day, and the reminder falls due at 03:00 EDT (07:00 UTC)."""
    tz = nudges.ZoneInfo("America/New_York")
    setting = nudges.NudgeSetting(1, "reminder", True, 6, 2)
    assert nudges.due_at(date(2026, 3, 2), setting, tz) == datetime(2026, 3, 8, 7, tzinfo=UTC)


def test_off_is_the_default_and_settings_round_trip(chapter) -> None:
    db, m = chapter.db, chapter.member
    assert nudges.get_setting(db, m, "reminder").enabled is False
    assert _due(db, datetime(2026, 11, 22, 23, tzinfo=UTC)) == set()
    saved = nudges.save_setting(db, m, "reminder", enabled=True, weekday=2, hour=7)
    assert (saved.enabled, saved.weekday, saved.hour) == (True, 2, 7)
    assert nudges.get_setting(db, m, "reminder") == saved


def test_only_leads_and_admins_may_turn_on_the_digest(chapter) -> None:
    db = chapter.db
    with pytest.raises(access.PermissionDenied):
        nudges.save_setting(db, chapter.member, "digest", enabled=True, weekday=0, hour=8)
    nudges.save_setting(db, chapter.lead, "digest", enabled=True, weekday=0, hour=8)
    nudges.save_setting(db, chapter.admin, "digest", enabled=True, weekday=0, hour=8)
    # A member whose row says "on" (say, a lead since demoted) still gets no digest.
    db.execute("INSERT INTO nudge_settings VALUES (?, 'digest', 1, 0, 8, '')", [chapter.other.id])
    due = _due(db, datetime(2026, 11, 23, 9, tzinfo=UTC))
    assert {(e, k) for e, k, _ in due} == {(chapter.lead.email, "digest"),
                                            (chapter.admin.email, "digest")}


@pytest.mark.parametrize("weekday,hour,field", [(7, 9, "weekday"), (-1, 9, "weekday"),
                                                (1, 24, "hour"), (1, -1, "hour")])
def test_bad_day_or_hour_is_refused_in_plain_words(chapter, weekday, hour, field) -> None:
    with pytest.raises(ValidationError) as err:
        nudges.save_setting(chapter.db, chapter.member, "reminder", enabled=True,
                            weekday=weekday, hour=hour)
    assert field in err.value.errors
    assert nudges.get_setting(chapter.db, chapter.member, "reminder").enabled is False


@pytest.mark.parametrize("tz,url,field", [("Mars/Olympus", "", "time_zone"),
                                          ("", "", "time_zone"),
                                          ("UTC", "ftp://x.org", "public_url"),
                                          ("UTC", "https://a b.org", "public_url")])
def test_chapter_settings_are_checked(chapter, tz, url, field) -> None:
    with pytest.raises(ValidationError) as err:
        nudges.save_chapter_settings(chapter.db, chapter.admin, time_zone=tz, public_url=url)
    assert field in err.value.errors


def test_chapter_settings_are_for_admins(chapter) -> None:
    with pytest.raises(access.PermissionDenied):
        nudges.save_chapter_settings(chapter.db, chapter.lead, time_zone="UTC", public_url="")
    saved = nudges.save_chapter_settings(chapter.db, chapter.admin, time_zone="Europe/Berlin",
                                         public_url="https://ally.example.org/")
    assert (saved.time_zone, saved.public_url) == ("Europe/Berlin", "https://ally.example.org")


# --- what the messages say ---------------------------------------------------------------

def _email(db, member, kind: str, week: date) -> EmailMessage:
    return mail.build_email(db, nudges.compose(db, member, kind, week, today=week))


def test_reminder_says_what_the_issue_asks_and_nothing_about_anyone_else(chapter) -> None:
    db, m = chapter.db, chapter.member
    nudges.save_chapter_settings(db, chapter.admin, time_zone="UTC",
                                 public_url="https://ally.example.org")
    plans.save_plan(db, m, PlanDraft("Disabled nature lovers", items=(
        PlanItemDraft("next_step", "Check the trail's ramps", due_on=date(2026, 11, 26)),
        PlanItemDraft("next_step", "Call the access group", due_on=date(2027, 1, 15)),
        PlanItemDraft("next_step", "Already done", due_on=date(2026, 11, 24),
                      done_on=date(2026, 11, 20)),
    )))
    plans.save_plan(db, chapter.teammate, PlanDraft("Families", items=(
        PlanItemDraft("next_step", "TEAMMATE-SECRET-STEP", due_on=date(2026, 11, 25)),)))
    email = _email(db, m, "reminder", date(2026, 11, 23))
    text, html = mail.text_part(email), mail.html_part(email)
    for part in (text, html):
        assert "https://ally.example.org/log_actions" in part
        assert "Check the trail" in part  # due within the coming week
        assert "Call the access group" not in part  # not due soon
        assert "Already done" not in part
        assert "TEAMMATE-SECRET-STEP" not in part and "Tam" not in part
    q = nudges.practice_question_for(date(2026, 11, 23))
    assert q.text in text
    assert email["To"].addresses[0].addr_spec == m.email


def test_the_practice_question_rotates_through_all_five() -> None:
    weeks = [date(2026, 1, 5) + timedelta(weeks=i) for i in range(5)]
    assert len({nudges.practice_question_for(w).number for w in weeks}) == 5


def test_lead_digest_has_the_quiet_list_and_an_admin_digest_does_not(chapter) -> None:
    db = chapter.db
    # Make team A big enough for figures: three more members, one of whom logs.
    more = [roster.add_member(db, chapter.admin, MemberDraft(f"Extra {i}", f"x{i}@example.org",
                                                             "member", chapter.team_a))
            for i in range(3)]
    # And Team B grows too: else "chapter minus Team A" would be two people (the
    # disclosure rule, allyship/metrics/disclosure.py, then withholds Team A's figures).
    for i in range(2):
        roster.add_member(db, chapter.admin, MemberDraft(f"B {i}", f"b{i}@example.org",
                                                         "member", chapter.team_b))
    belonged_all_along(db)
    took_part(db)  # (long before these weeks: people, not roster entries)
    _log(db, more[0], date(2026, 11, 18))
    _log(db, chapter.member, date(2026, 11, 17))
    lead_mail = _email(db, chapter.lead, "digest", date(2026, 11, 23))
    text = mail.text_part(lead_mail)
    assert "16 Nov – 22 Nov 2026" in text  # the last complete week, and only it
    assert "2 of 6 members logged" in text  # the lead counts too
    assert "check-in list" in text and "Tam Mate" in text and "Extra 1" in text
    assert "Mo Member" not in text  # logged recently: not quiet
    assert "Listened at the planning call" not in text  # never anyone's own words
    assert "previous" not in text.lower()  # no comparison across periods
    admin_text = mail.text_part(_email(db, chapter.admin, "digest", date(2026, 11, 23)))
    assert "check-in list" not in admin_text and "Tam Mate" not in admin_text
    assert "whole chapter" in admin_text


def test_digest_withholds_a_team_whose_figures_could_be_subtracted(chapter) -> None:
    db = chapter.db
    for i in range(3):  # Team A: the lead and five others — but the rest is Ada and Oz
        roster.add_member(db, chapter.admin, MemberDraft(f"Extra {i}", f"x{i}@example.org",
                                                         "member", chapter.team_a))
    belonged_all_along(db)
    took_part(db)
    text = mail.text_part(_email(db, chapter.lead, "digest", date(2026, 11, 23)))
    assert "would reveal what fewer than 3 people did" in text
    assert "members logged" not in text


def test_digest_of_a_small_team_shows_no_figures(chapter) -> None:
    text = mail.text_part(_email(chapter.db, chapter.lead, "digest", date(2026, 11, 23)))
    assert "Fewer than 3 other members" in text
    assert "members logged" not in text


def test_hostile_names_and_steps_are_escaped_and_cannot_add_headers(chapter) -> None:
    db = chapter.db
    evil = roster.add_member(db, chapter.admin, MemberDraft(
        '<script>alert(1)</script> "Bo" & Co', "evil@example.org", "member", chapter.team_b))
    plans.save_plan(db, evil, PlanDraft("x", items=(
        PlanItemDraft("next_step", '<img src=x onerror=alert(1)> & "quotes"',
                      due_on=date(2026, 11, 25)),)))
    email = _email(db, evil, "reminder", date(2026, 11, 23))
    html = mail.html_part(email)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;" in html
    assert email["To"].addresses[0].display_name == '<script>alert(1)</script> "Bo" & Co'
    # A name cannot smuggle a header: the display name is folded to one line.
    assert nudges.Message  # (names with line breaks are refused at entry; belt and braces:)
    addr = mail.mailbox("Eve\r\nBcc: victim@example.org", "eve@example.org")
    msg = EmailMessage()
    msg["To"] = addr
    assert "\nBcc:" not in msg.as_string()


def test_previews_are_for_admins_of_the_same_chapter(chapter) -> None:
    db = chapter.db
    with pytest.raises(access.PermissionDenied):
        nudges.preview(db, chapter.lead, chapter.member.id, "reminder")
    assert nudges.preview(db, chapter.admin, chapter.member.id, "reminder").kind == "reminder"
    with pytest.raises(ValidationError):
        nudges.preview(db, chapter.admin, chapter.member.id, "digest")


def test_unsubscribe_tokens_are_signed(chapter) -> None:
    db = chapter.db
    token = mail.unsubscribe_token(db, chapter.member.id, "reminder")
    assert mail.read_unsubscribe_token(db, token) == (chapter.member.id, "reminder")
    forged = f"{chapter.other.id}.reminder.{token.rsplit('.', 1)[1]}"
    assert mail.read_unsubscribe_token(db, forged) is None
    assert mail.read_unsubscribe_token(db, "nonsense") is None
    assert mail.read_unsubscribe_token(db, token.replace("reminder", "digest")) is None


@pytest.mark.parametrize("url,ok", [
    ("smtp+starttls://u%40x.org:p%3Ass@smtp.example.org:587?from=u@x.org", True),
    ("smtps://u:p@smtp.example.org?from=Chapter%20<c@x.org>", True),
    ("smtp://localhost:2525?from=a@b.org", True),
    ("http://smtp.example.org", False),
    ("smtp://localhost:25", False),  # no sender
])
def test_smtp_url(url, ok) -> None:
    if ok:
        s = mail.parse_smtp_url(url)
        assert s.host and s.port and "@" in s.sender
    else:
        with pytest.raises(ValueError):
            mail.parse_smtp_url(url)


def test_smtp_settings_from_secrets_toml(tmp_path, monkeypatch) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[smtp]\nhost = "smtp.office365.com"\nport = 587\nsecurity = "starttls"\n'
                       'username = "chapter@example.org"\npassword = "pw"\n'
                       'from = "Riverbend Allyship <chapter@example.org>"\n'
                       '[nudges]\nscheduler = "in-app"\n')
    monkeypatch.setenv(mail.SECRETS_ENV, str(secrets))
    monkeypatch.delenv(mail.SMTP_URL_ENV, raising=False)
    monkeypatch.delenv("ALLYSHIP_NUDGES_SCHEDULER", raising=False)
    s = mail.smtp_settings()
    assert (s.host, s.port, s.security, s.username) == ("smtp.office365.com", 587, "starttls",
                                                        "chapter@example.org")
    assert "pw" not in s.describe()
    assert mail.scheduler_mode() == "in-app"
    secrets.write_text("[other]\n")
    with pytest.raises(mail.MailNotConfigured, match=r"\[smtp\]"):
        mail.smtp_settings()


def test_the_in_app_schedulers_interval_falls_back_when_it_is_not_a_number(monkeypatch):
    from allyship.web import routes_rhythm

    for raw, expected in (("600", 600.0), ("0.2", 1.0), ("often", 300.0), ("nan", 300.0)):
        monkeypatch.setenv(routes_rhythm.SCHEDULER_INTERVAL_ENV, raw)
        assert routes_rhythm._interval() == expected, raw
