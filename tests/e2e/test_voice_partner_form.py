"""A community partner answers on a phone (390×844), signed out, in Spanish and in
English, in a real Chromium against a real server: no account, no third-party request,
no sideways scrolling, axe-core finds nothing serious; "please don't ask us again" is one
click."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from allyship import demo
from allyship.db import store
from allyship.people import roster
from allyship.voice import asks, demo_partners, partners

from . import accessibility as axe
from .harness import go_to, open_as_role

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def new_request(db_path, name: str, language: str) -> tuple[str, int]:
    db = store.connect(db_path)
    try:
        lead = roster.find_member_by_email(db, demo.PERSONAS["lead"])
        p = partners.add_partner(db, lead, partners.PartnerDraft(name, "Ana", "", language))
        new = asks.create_ask(db, lead, p.id, thanks_note="Almuerzo para el equipo")
        return new.token, new.ask.id
    finally:
        db.conn.close()


def phone(browser: Browser, app_url: str, seen: list[str]):  # noqa: ANN201
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.on("request", lambda r: seen.append(r.url))
    return context, page


def check(page, where: str) -> None:  # noqa: ANN001
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{where}: {width}px wide"
    problems = axe.blocking(axe.scan(page))
    assert not problems, f"{where} at 390×844:\n" + "\n".join(map(str, problems))


def test_a_partner_answers_in_spanish_then_english_on_a_phone(app, chromium_browser) -> None:
    token, ask_id = new_request(app.db_path, "Casa de la Comunidad Phone", "es")
    seen: list[str] = []
    context, page = phone(chromium_browser, app.url, seen)
    try:
        page.goto(f"{app.url}/voice/{token}")
        expect(page.locator("html")).to_have_attribute("lang", "es")
        expect(page.get_by_role("heading", level=1)).to_contain_text(
            "quiere escuchar a Casa de la Comunidad Phone")
        check(page, "the form in Spanish")
        page.get_by_role("group", name="¿Cumplimos nuestra palabra?").get_by_label(
            "Sí", exact=True).check()
        page.get_by_role("group", name="¿Cuánto espacio ocupamos?").get_by_label(
            "Demasiado").check()
        page.get_by_label("Algo más que quieras decirnos (opcional)").fill(
            "Faltó intérprete. <b>no</b> http://example.org")
        page.get_by_label("Citarlo sin nuestro nombre").check()
        page.get_by_role("button", name="Enviar").click()
        expect(page.get_by_role("status")).to_contain_text("tu respuesta está guardada")
        check(page, "the saved answer in Spanish")
        assert page.locator("a[href^='http']").count() == 0
        page.get_by_role("link", name="English").click()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_role("group", name="Did we keep our word?").get_by_label(
            "Yes", exact=True)).to_be_checked()
        check(page, "the form in English")
        page.get_by_role("group", name="Did we keep our word?").get_by_label("Partly").check()
        page.get_by_role("button", name="Send").click()
        expect(page.get_by_role("status")).to_contain_text("your answer is saved")
    finally:
        context.close()
    db = store.connect(app.db_path)
    answer = db.execute("SELECT kept_word, space_taken, consent FROM community_partner_answers"
                        " WHERE ask_id = ?", [ask_id]).fetchone()
    db.conn.close()
    assert tuple(answer) == (2, 1, "anonymous")
    assert seen and all(url.startswith(app.url) for url in seen), seen  # no third party


def test_please_dont_ask_us_again_is_one_click_on_a_phone(app, chromium_browser) -> None:
    token, _ = new_request(app.db_path, "Northside Phone Garden", "en")
    seen: list[str] = []
    context, page = phone(chromium_browser, app.url, seen)
    try:
        page.goto(f"{app.url}/voice/{token}")
        page.get_by_role("button", name="Please don’t ask us again").click()
        expect(page.get_by_role("status")).to_contain_text("we will not ask you again")
        check(page, "after 'please don't ask us again'")
    finally:
        context.close()
    db = store.connect(app.db_path)
    lead = roster.find_member_by_email(db, demo.PERSONAS["lead"])
    [p] = [x for x in partners.list_partners(db, lead) if x.name == "Northside Phone Garden"]
    assert p.do_not_ask_since
    db.conn.close()


def test_the_partner_voice_page_has_no_serious_axe_finding_in_any_tab(app, new_page) -> None:
    db = store.connect(app.db_path)
    try:
        lead = roster.find_member_by_email(db, demo.PERSONAS["lead"])
        if not any(p.name == demo_partners.DEMO_PARTNERS[0][0]
                   for p in partners.list_partners(db, lead)):
            demo_partners.add_demo_partners(db, demo.PERSONAS["lead"])
    finally:
        db.conn.close()
    page = new_page()
    open_as_role(page, app.url, "Team lead", "Team progress")
    go_to(page, "Partner voice")
    problems: list[str] = []
    tabs = page.get_by_test_id("stMain").get_by_role("tab")
    for name in [t.inner_text().strip() for t in tabs.all()]:
        tab = page.get_by_test_id("stMain").get_by_role("tab", name=name, exact=True).first
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")
        axe.settle(page)
        problems += [f"{name}: {f}" for f in axe.blocking(axe.scan(page))]
        problems += [f"{name}: headings {p}" for p in axe.heading_problems(page)]
    expect(page.get_by_text("Partners who answered").first).to_be_attached()
    assert not problems, "\n".join(problems)
