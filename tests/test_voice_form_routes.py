"""The partner's public form over HTTP: in the partner's language with a switch; inert
(no script, no third-party request, nothing typed becomes a link or image); a link that
is not valid writes nothing and guessing is slowed; closed and expired links take no
answer; a thousand requests against one link write a bounded number of rows."""

from __future__ import annotations

import secrets
import warnings
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from starlette.applications import Starlette

from allyship.db import store
from allyship.voice import asks, limits, partners, report_back, rules
from allyship.web import routes_voice
from tests.voice_helpers import at, partner

with warnings.catch_warnings():
    warnings.simplefilter("ignore", UserWarning)
    from starlette.testclient import TestClient

HOSTILE = ("<script>alert(1)</script> [click](http://evil.example/x) "
           "![img](http://evil.example/i.png) <img src=x onerror=alert(2)> "
           "https://evil.example/y www.evil.example javascript:alert(3) "
           "\u202eevil\u202c <a href='http://evil.example'>a</a>")


@pytest.fixture
def client(chapter, db_path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(store.ENV_VAR, str(db_path))
    limits.clear_all()
    with TestClient(Starlette(routes=routes_voice.ROUTES), follow_redirects=False) as c:
        yield c
    limits.clear_all()


def ask(chapter, language: str = "es", name: str = "Casa de la Comunidad", when=None,
        thanks: str = "") -> asks.NewAsk:
    p = partner(chapter.db, chapter.lead, name, language)
    return asks.create_ask(chapter.db, chapter.lead, p.id, now=when, thanks_note=thanks)


def rows(db) -> int:
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'"
                                       " AND name NOT LIKE 'sqlite_%'")]
    return sum(db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs) -> None:  # noqa: ANN001
        self.tags.append((tag, dict(attrs)))


def inert(page: str) -> None:
    """Nothing on the page can run, load or lead anywhere but this form: the only tags
    are the form's own, the only links switch its language, nothing loads from anywhere."""
    parser = Tags()
    parser.feed(page)
    allowed = {"html", "head", "meta", "title", "style", "body", "main", "nav", "a", "span",
               "h1", "h2", "p", "div", "ul", "li", "form", "input", "fieldset", "legend",
               "label", "textarea", "button"}
    for tag, attrs in parser.tags:
        assert tag in allowed, tag
        assert not any(k.startswith("on") or k in ("src", "srcset", "style") and tag != "label"
                       for k in attrs), (tag, attrs)
        if tag == "a":
            assert (attrs["href"] or "").startswith("?lang="), attrs
        if tag == "form":
            assert "/" not in (attrs["action"] or "").split("/stop")[0], attrs


def test_the_form_speaks_the_partners_language_and_switches(chapter, client) -> None:
    new = ask(chapter)
    page = client.get(f"/voice/{new.token}")
    assert page.status_code == 200
    assert '<html lang="es"' in page.text and "¿Cumplimos nuestra palabra?" in page.text
    assert "Casa de la Comunidad" in page.text
    english = client.get(f"/voice/{new.token}?lang=en")
    assert '<html lang="en"' in english.text and "Did we keep our word?" in english.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"
    inert(page.text)


def test_an_answer_is_kept_and_can_be_changed(chapter, client) -> None:
    new = ask(chapter)
    sent = client.post(f"/voice/{new.token}", data={
        "lang": "es", "kept_word": "3", "space_taken": "", "left_behind": "2",
        "comment": "Gracias por escuchar.", "consent": "anonymous"})
    assert sent.status_code == 303
    again = client.get(f"/voice/{new.token}?saved=1&lang=es")
    assert "Gracias: tu respuesta está guardada." in again.text
    assert "Gracias por escuchar." in again.text
    assert asks.answer_of(chapter.db, new.ask) == asks.Answer(3, None, 2, "Gracias por escuchar.",
                                                            "anonymous")
    client.post(f"/voice/{new.token}", data={"kept_word": "1", "consent": "totals"})
    assert asks.answer_of(chapter.db, new.ask).kept_word == 1


def test_hostile_input_in_every_field_is_stored_as_text_and_shown_inert(chapter, client) -> None:
    new = ask(chapter, name=HOSTILE[:rules.NAME_MAX], thanks=HOSTILE[:rules.THANKS_MAX])
    refused = client.post(f"/voice/{new.token}", data={
        "lang": HOSTILE, "kept_word": HOSTILE, "space_taken": "4", "left_behind": "-1",
        "comment": HOSTILE, "consent": HOSTILE})
    assert refused.status_code == 400
    inert(refused.text)
    assert asks.answer_of(chapter.db, new.ask) is None
    ok = client.post(f"/voice/{new.token}", data={"comment": HOSTILE, "consent": "named"})
    assert ok.status_code == 303
    assert "<script>" in asks.answer_of(chapter.db, new.ask).comment  # kept as typed
    page = client.get(f"/voice/{new.token}")
    inert(page.text)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


def test_a_guessed_link_writes_nothing_and_guessing_is_slowed(chapter, client) -> None:
    ask(chapter)
    before = rows(chapter.db)
    codes = [client.get(f"/voice/{secrets.token_urlsafe(32)}").status_code for _ in range(25)]
    codes.append(client.post(f"/voice/{secrets.token_urlsafe(32)}/stop").status_code)
    assert codes[:limits.PER_ADDRESS_MISSES.limit] == [404] * limits.PER_ADDRESS_MISSES.limit
    assert codes[-1] == 429
    assert client.get("/voice/short").status_code == 429
    assert rows(chapter.db) == before


def test_behind_nginx_one_visitors_guessing_does_not_lock_out_another(chapter, db_path,
                                                                     monkeypatch) -> None:
    from starlette.testclient import TestClient

    monkeypatch.setenv(store.ENV_VAR, str(db_path))
    limits.clear_all()
    new = ask(chapter)
    app = Starlette(routes=routes_voice.ROUTES)
    # nginx on this machine sets X-Real-IP to the address it saw.
    with TestClient(app, follow_redirects=False, client=("127.0.0.1", 40000)) as proxy:
        guesser = {"X-Real-IP": "203.0.113.9"}
        for _ in range(limits.PER_ADDRESS_MISSES.limit + 1):
            proxy.get(f"/voice/{secrets.token_urlsafe(32)}", headers=guesser)
        assert proxy.get(f"/voice/{new.token}", headers=guesser).status_code == 429
        partner = {"X-Real-IP": "198.51.100.7"}
        assert proxy.get(f"/voice/{new.token}", headers=partner).status_code == 200
    limits.clear_all()


def test_an_expired_link_takes_no_answer_but_still_shows_what_we_did(chapter, client) -> None:
    new = ask(chapter, when=at("2026-07-10"))
    asks.submit(chapter.db, new.ask, asks.Answer(3), now=at("2026-07-11"))
    report_back.write(chapter.db, chapter.lead, "2026Q3", "Trajimos intérprete a cada reunión.")
    report_back.mark_sent(chapter.db, chapter.lead, "2026Q3", 1)
    page = client.get(f"/voice/{new.token}")
    assert "Esta solicitud está cerrada" in page.text
    assert "Trajimos intérprete a cada reunión." in page.text
    assert "<textarea" not in page.text
    replay = client.post(f"/voice/{new.token}", data={"kept_word": "1"})
    assert replay.status_code == 410
    assert asks.answer_of(chapter.db, new.ask).kept_word == 3


def test_replay_after_the_lead_closes_it_is_refused(chapter, client) -> None:
    new = ask(chapter)
    client.post(f"/voice/{new.token}", data={"kept_word": "2"})
    asks.close_ask(chapter.db, chapter.lead, new.ask.id)
    assert client.post(f"/voice/{new.token}", data={"kept_word": "1"}).status_code == 410
    assert asks.answer_of(chapter.db, new.ask).kept_word == 2


def test_please_dont_ask_us_again_takes_one_click(chapter, client) -> None:
    new = ask(chapter)
    done = client.post(f"/voice/{new.token}/stop", data={"lang": "es"})
    assert done.status_code == 200 and "no les volveremos a preguntar" in done.text
    p = partners.get_partner(chapter.db, chapter.lead, new.ask.partner_id)
    assert p.do_not_ask_since is not None
    assert client.get(f"/voice/{new.token}").status_code == 200  # the closed page
    assert client.post(f"/voice/{new.token}", data={"kept_word": "1"}).status_code == 410


def test_a_body_too_long_is_refused_unread(chapter, client) -> None:
    new = ask(chapter)
    big = client.post(f"/voice/{new.token}", content=b"comment=" + b"x" * 20000,
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert big.status_code == 413
    assert asks.answer_of(chapter.db, new.ask) is None


@pytest.mark.slow
def test_a_thousand_requests_against_one_link_write_a_bounded_number_of_rows(
        chapter, client) -> None:
    new = ask(chapter)
    before = rows(chapter.db)
    codes = [client.post(f"/voice/{new.token}", data={
        "kept_word": str(1 + i % 3), "comment": f"flood {i} " + "x" * 900}).status_code
        for i in range(1000)]
    assert codes.count(303) == limits.PER_LINK_WRITES.limit and codes.count(429) == 990
    # From a thousand addresses and server processes at once (no shared rate limit), the
    # request's edit budget still bounds what is written.
    for i in range(100):
        limits.clear_all()
        client.post(f"/voice/{new.token}", data={"kept_word": "2", "comment": f"again {i}"})
        client.get(f"/voice/{new.token}")
    written = rows(chapter.db) - before
    assert written <= 1 + 1 + rules.MAX_EDITS  # the answer, "opened", one audit row per edit
    assert chapter.db.execute("SELECT edits FROM community_partner_asks WHERE id = ?",
                              [new.ask.id]).fetchone()[0] == rules.MAX_EDITS


def test_the_limits_forget_old_keys_so_a_flood_of_addresses_cannot_grow_them() -> None:
    limit = limits.RateLimit(2, 60, max_keys=100)
    for i in range(10_000):
        limit.allow(f"10.0.{i // 256}.{i % 256}", now=0.0)
    assert len(limit) == 100
    assert limit.allow("a", 0) and limit.allow("a", 1) and not limit.allow("a", 2)
    assert limit.allow("a", 61)


def test_the_answer_window_is_thirty_days(chapter) -> None:
    new = ask(chapter, when=at("2026-10-01"))
    assert new.ask.is_open(at("2026-10-01") + timedelta(days=29))
    assert not new.ask.is_open(at("2026-10-01") + timedelta(days=30))


def test_an_open_link_shows_what_we_did_once_it_is_sent(chapter, client) -> None:
    new = ask(chapter)
    client.post(f"/voice/{new.token}", data={"kept_word": "2"})
    report_back.write(chapter.db, chapter.lead, new.ask.quarter, "Pedimos que ustedes guíen.")
    assert "Pedimos que ustedes guíen." not in client.get(f"/voice/{new.token}").text
    report_back.mark_sent(chapter.db, chapter.lead, new.ask.quarter, 1)
    page = client.get(f"/voice/{new.token}").text
    assert "Ustedes dijeron, nosotros hicimos" in page and "Pedimos que ustedes guíen." in page
    assert "<textarea" in page  # still open: the answer can still change
