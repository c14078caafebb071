"""What the app sends and serves away from its pages speaks each reader's language: a
Spanish member's reminder and a Spanish lead's digest in Spanish beside an English
member's reminder in English, in one run through a real SMTP server; every word marked in
the pseudo-locale; the calendar feed, the one-tap reply and unsubscribe pages and the
partner's form in Spanish; the not-yours sign-in page in the browser's language."""

from __future__ import annotations

import calendar
import html
import re
import warnings
from datetime import date, datetime, timezone
from pathlib import Path

import icalendar
import pytest
from starlette.applications import Starlette

from allyship.core.models import PlanDraft, PlanItemDraft, week_start
from allyship.db import store
from allyship.i18n import formatting, translator_for
from allyship.people import passwords, roster, sessions
from allyship.practice import plans
from allyship.rhythm import feeds, mail, nudges, outbox, setup_code_mail
from allyship.voice import asks, limits
from allyship.web import routes_rhythm, routes_voice, session_routes
from tests.i18n_helpers import data_strings, untranslated
from tests.smtp_server import smtp_server
from tests.voice_helpers import partner

with warnings.catch_warnings():  # its note about httpx is for starlette's maintainers
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient

UTC = timezone.utc
URL = re.compile(r"https?://\S+")
TAG = re.compile(r"<[^>]+>")
# The pseudo-locale formats dates as English does (CLDR's own names, not catalogue words).
DATE_NAMES = {*calendar.month_name[1:], *calendar.month_abbr[1:], *calendar.day_name,
              *calendar.day_abbr}


def words_of(*texts: str) -> list[str]:
    """What a reader reads: addresses and HTML tags taken out, one text per line."""
    lines: list[str] = []
    for text in texts:
        lines += [line for line in html.unescape(URL.sub(" ", TAG.sub("\n", text))).splitlines()
                  if line.strip()]
    return lines


def read(msg) -> list[str]:  # noqa: ANN001 — an EmailMessage
    return words_of(str(msg["Subject"]), mail.text_part(msg), mail.html_part(msg))


def _set_language(db, member_id: int, language: str | None) -> None:  # noqa: ANN001
    # Set directly: the pseudo-locale is not a member's choice, and the settings
    # function (tested elsewhere) would refuse it.
    with store.transaction(db):
        db.execute("UPDATE members SET language = ? WHERE id = ?", [language, member_id])


def _opt_in(db, member_id: int, kind: str) -> None:  # noqa: ANN001
    """``kind`` due from Monday 00:00 this week, and nothing logged or away this week."""
    with store.transaction(db):
        db.execute("INSERT OR REPLACE INTO nudge_settings (member_id, kind, enabled, weekday,"
                   " hour, updated_at) VALUES (?, ?, 1, 0, 0, '')", [member_id, kind])
        if kind == "reminder":
            this_week = week_start(date.today()).isoformat()
            db.execute("DELETE FROM actions WHERE member_id = ? AND week_start = ?",
                       [member_id, this_week])
            db.execute("DELETE FROM away_weeks WHERE member_id = ? AND week_start = ?",
                       [member_id, this_week])


def _people(db) -> dict[str, int]:  # noqa: ANN001
    """Three demo members of one chapter: two members and a team's lead."""
    lead_id, chapter_id = db.execute("SELECT id, chapter_id FROM members WHERE role = 'lead'"
                                     " AND active = 1 AND team_id IS NOT NULL ORDER BY id"
                                     " LIMIT 1").fetchone()
    members = [r[0] for r in db.execute("SELECT id FROM members WHERE role = 'member' AND"
                                        " active = 1 AND chapter_id = ? ORDER BY id LIMIT 3",
                                        [chapter_id])]
    return {"es_member": members[0], "en_member": members[1], "xa_member": members[2],
            "es_lead": lead_id}


@pytest.fixture
def run_db(demo_db: Path) -> tuple[Path, dict[str, int]]:
    """The demo with only our four people opted in, each in their language."""
    db = store.connect(demo_db)
    people = _people(db)
    admin = roster.get_member(db, db.execute(
        "SELECT id FROM members WHERE role = 'admin' AND chapter_id = ? LIMIT 1",
        [roster.get_member(db, people["es_lead"]).chapter_id]).fetchone()[0])
    nudges.save_chapter_settings(db, admin, time_zone="UTC",
                                 public_url="https://ally.example.org")
    with store.transaction(db):
        db.execute("UPDATE nudge_settings SET enabled = 0")
    for who, kind in (("es_member", "reminder"), ("en_member", "reminder"),
                      ("xa_member", "reminder"), ("es_lead", "digest")):
        _opt_in(db, people[who], kind)
    _set_language(db, people["es_member"], "es")
    _set_language(db, people["es_lead"], "es")
    _set_language(db, people["xa_member"], "en_XA")
    db.conn.close()
    return demo_db, people


def _address(db, member_id: int) -> str:  # noqa: ANN001
    return roster.get_member(db, member_id).email


@pytest.mark.server
def test_one_run_sends_each_member_their_own_language(run_db) -> None:
    path, people = run_db
    now = datetime.now(UTC).replace(microsecond=0)
    with smtp_server() as inbox:
        report = outbox.run(path, now=now, smtp=mail.parse_smtp_url(inbox.url))
    db = store.connect(path)
    data = data_strings(path)
    got = {who: inbox.to(_address(db, member_id)) for who, member_id in people.items()}
    db.conn.close()
    assert report.sent == 4 and report.failed == 0, report.summary()
    assert all(len(mails) == 1 for mails in got.values()), {k: len(v) for k, v in got.items()}

    es_reminder, es_digest = got["es_member"][0], got["es_lead"][0]
    en_reminder, xa_reminder = got["en_member"][0], got["xa_member"][0]
    assert es_reminder["Subject"] == "Tu semana de alianza: un recordatorio amable"
    assert str(es_digest["Subject"]).startswith("La semana de alianza de tu equipo: ")
    assert "Un recordatorio amable para la semana del" in mail.text_part(es_reminder)
    assert "Con un toque, sin iniciar sesión:" in mail.text_part(es_reminder)
    assert "Estuve fuera esta semana" in mail.html_part(es_reminder)
    for msg in (es_reminder, es_digest):
        assert '<html lang="es" dir="ltr">' in mail.html_part(msg)
        assert untranslated(read(msg), "es", data=data) == []
    # The English member's reminder, in the same run, is as it always was.
    assert en_reminder["Subject"] == "Your allyship week: a gentle reminder"
    assert "A gentle nudge for the week of" in mail.text_part(en_reminder)
    assert "One tap, no sign-in needed:" in mail.text_part(en_reminder)
    assert '<html lang="en" dir="ltr">' in mail.html_part(en_reminder)
    # The pseudo-locale: every word came from the catalogue.
    assert str(xa_reminder["Subject"]).startswith("⟦")
    assert untranslated(read(xa_reminder), "en_XA", data=data, allowed=DATE_NAMES) == []


def test_a_digest_and_a_reminder_in_the_pseudo_locale_leave_nothing_unmarked(
        demo_db: Path) -> None:
    db = store.connect(demo_db)
    people = _people(db)
    _set_language(db, people["es_lead"], "en_XA")
    _set_language(db, people["xa_member"], "en_XA")
    week = week_start(date.today())
    data = data_strings(demo_db)
    for who, kind in (("es_lead", "digest"), ("xa_member", "reminder")):
        message = nudges.compose(db, roster.get_member(db, people[who]), kind, week)
        email = mail.build_email(db, message, check_links=False)
        assert message.language == "en_XA"
        assert untranslated(read(email), "en_XA", data=data, allowed=DATE_NAMES) == [], kind
    db.conn.close()


def _events(feed: bytes) -> tuple[str, list[str]]:
    cal = icalendar.Calendar.from_ical(feed)
    texts = []
    for event in cal.walk("VEVENT"):
        texts += [str(event["SUMMARY"]), str(event["DESCRIPTION"])]
    return str(cal["X-WR-CALNAME"]), texts


def test_the_calendar_feed_is_in_the_members_language(chapter) -> None:
    db, member = chapter.db, chapter.member
    plans.save_plan(db, member, PlanDraft("Familias", items=(
        PlanItemDraft("next_step", "Revisar las rampas del sendero",
                      due_on=date(2026, 12, 11)),)))
    english_name, english = _events(feeds.calendar(db, member, today=date(2026, 12, 7)))
    _set_language(db, member.id, "es")
    spanish_name, spanish = _events(feeds.calendar(db, member, today=date(2026, 12, 7)))

    assert english_name == "My allyship practice" and "Log my week" in english
    assert "Next step: Revisar las rampas del sendero" in english
    assert spanish_name == "Mi práctica de alianza" and "Registrar mi semana" in spanish
    assert "Próximo paso: Revisar las rampas del sendero" in spanish
    assert any("viernes 11 de diciembre de 2026" in t for t in spanish), spanish
    assert untranslated(words_of(*spanish), "es",
                        data=["Revisar las rampas del sendero"]) == []


@pytest.fixture
def rhythm_client(chapter, db_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(store.ENV_VAR, str(db_path))
    with TestClient(Starlette(routes=routes_rhythm.ROUTES)) as c:
        yield c


def _page_words(html: str) -> list[str]:
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return words_of(body)


def test_one_tap_reply_and_unsubscribe_pages_speak_the_members_spanish(
        chapter, rhythm_client) -> None:
    db, member = chapter.db, chapter.member
    _set_language(db, member.id, "es")
    nudges.save_setting(db, member, "reminder", enabled=True, weekday=0, hour=9)
    week = week_start(date.today())
    token = mail.one_tap_token(db, member.id, "away", week)
    data = data_strings(Path(db.conn.execute("PRAGMA database_list").fetchone()[2]))

    asked = rhythm_client.get(f"/reply/{token}")
    day = formatting.format_day(translator_for("es"), week)
    assert asked.status_code == 200 and '<html lang="es" dir="ltr">' in asked.text
    assert f"¿Marcar como ausente la semana del {day}?" in asked.text
    assert "Sí, estuve fuera" in asked.text
    done = rhythm_client.post(f"/reply/{token}")
    assert "Marcada como ausente" in done.text
    off = rhythm_client.get(f"/unsubscribe/{mail.unsubscribe_token(db, member.id, 'reminder')}")
    assert "¿Dejar de recibir estos correos?" in off.text
    for page in (asked, done, off):
        assert untranslated(_page_words(page.text), "es", data=data) == []
    # Someone else's English stays English; a broken link answers in the browser's language.
    theirs = mail.one_tap_token(db, chapter.teammate.id, "away", week)
    english = rhythm_client.get(f"/reply/{theirs}")
    assert "Mark the week of" in english.text and 'lang="en"' in english.text
    broken = rhythm_client.get("/reply/nothing", headers={"Accept-Language": "es-MX,es;q=0.9"})
    assert broken.status_code == 404 and "Enlace no válido" in broken.text


def test_reply_and_unsubscribe_pages_leave_nothing_unmarked_in_the_pseudo_locale(
        chapter, rhythm_client) -> None:
    db, member = chapter.db, chapter.member
    _set_language(db, member.id, "en_XA")
    nudges.save_setting(db, member, "reminder", enabled=True, weekday=0, hour=9)
    week = week_start(date.today())
    later = mail.one_tap_token(db, member.id, "later", week)
    off = f"/unsubscribe/{mail.unsubscribe_token(db, member.id, 'reminder')}"
    pages = [rhythm_client.get(f"/reply/{later}"), rhythm_client.post(f"/reply/{later}"),
             rhythm_client.get(off), rhythm_client.post(off),
             rhythm_client.post(f"{off}/undo")]
    assert all(p.status_code == 200 for p in pages), [p.status_code for p in pages]
    assert all('<html lang="en-XA" dir="ltr">' in p.text for p in pages)
    for page in pages:
        assert untranslated(_page_words(page.text), "en_XA", allowed=DATE_NAMES) == []


def test_the_partners_form_is_in_spanish(chapter, db_path, monkeypatch) -> None:
    monkeypatch.setenv(store.ENV_VAR, str(db_path))
    limits.clear_all()
    made = partner(chapter.db, chapter.lead, "Casa de la Comunidad", "es")
    new = asks.create_ask(chapter.db, chapter.lead, made.id)
    data = data_strings(db_path)
    with TestClient(Starlette(routes=routes_voice.ROUTES), follow_redirects=False) as client:
        page = client.get(f"/voice/{new.token}")
        refused = client.post(f"/voice/{new.token}", data={"kept_word": "7", "lang": "es"})
    limits.clear_all()
    assert page.status_code == 200 and '<html lang="es" dir="ltr">' in page.text
    assert "¿Cumplimos nuestra palabra?" in page.text or "palabra" in page.text
    assert refused.status_code == 400
    for shown in (page, refused):
        assert untranslated(_page_words(shown.text), "es", data=data,
                            allowed={"English", "Español"}) == []


@pytest.mark.parametrize("accept, title, lang", [
    ("es-ES,es;q=0.9,en;q=0.5", "Este enlace de inicio de sesión no es tuyo", "es"),
    ("en-GB,en;q=0.9", "This sign-in link is not yours", "en"),
    ("", "This sign-in link is not yours", "en"),
])
def test_the_not_yours_sign_in_page_follows_the_browsers_language(
        chapter, db_path, monkeypatch, accept: str, title: str, lang: str) -> None:
    monkeypatch.setenv(store.ENV_VAR, str(db_path))
    started = sessions.start(chapter.db, chapter.member, browser=sessions.new_browser_id())
    with TestClient(Starlette(routes=session_routes.ROUTES)) as client:
        got = client.get(f"/app/session/start?t={started.nonce}",
                         headers={"Accept-Language": accept} if accept else {})
    assert got.status_code == 403 and "set-cookie" not in got.headers
    assert f'<html lang="{lang}" dir="ltr">' in got.text and f"<h1>{title}</h1>" in got.text
    if lang == "es":
        assert untranslated(_page_words(got.text), "es") == []


@pytest.mark.server
def test_set_up_codes_and_the_test_email_go_in_each_readers_language(chapter) -> None:
    db = chapter.db
    _set_language(db, chapter.member.id, "es")
    _set_language(db, chapter.admin.id, "es")
    codes = [passwords.issue_setup_code(db, chapter.admin, m.id)
             for m in (chapter.member, chapter.teammate)]
    with smtp_server() as inbox:
        settings = mail.parse_smtp_url(inbox.url)
        assert setup_code_mail.email_codes(db, chapter.admin, codes, settings) == []
        mail.send_test_email(db, chapter.admin, settings)
    spanish = inbox.to(chapter.member.email)[0]
    english = inbox.to(chapter.teammate.email)[0]
    test_email = inbox.to(chapter.admin.email)[0]
    assert spanish["Subject"] == ("Tu código de configuración para la aplicación de alianza "
                                  "de Test Chapter")
    assert codes[0].code in mail.text_part(spanish)
    assert '<html lang="es" dir="ltr">' in mail.html_part(spanish)
    assert untranslated(read(spanish), "es", data=["Test Chapter", "Ada Admin", "Mo",
                                                   chapter.member.email, codes[0].code]) == []
    assert english["Subject"] == "Your set-up code for Test Chapter's Allyship app"
    assert test_email["Subject"] == "Aplicación de alianza: correo de prueba"
    assert untranslated(read(test_email), "es") == []
