"""Reflect: the five practice questions for a week, private by default."""

from datetime import date, timedelta

import streamlit as st

from allyship.core.handout import VISIBILITIES
from allyship.core.models import ReflectionDraft, ValidationError, week_start
from allyship.i18n import handout
from allyship.practice import days, journal
from allyship.ui import common, language

me = common.require_screen("reflect")
db = common.get_db()
today = date.today()
tr = language.translator()
_ = tr.gettext
text = handout.handout_text(tr)
questions = text.practice_questions

st.title(_("Reflect"))
st.caption(_("{intro} Answer any of the questions; your reflections are private unless you "
             "choose otherwise, and never shown in group charts or reports.").format(
                 intro=text.practice_intro))
common.show_flash()

weeks = [week_start(today) - timedelta(weeks=n) for n in range(0, 12)]
monday = st.selectbox(_("Week"), weeks, format_func=lambda w: days.week(tr, w))
existing = {r.question: r for r in journal.my_reflections(db, me, monday)}

with st.form(f"reflect_{monday}"):
    answers = {}
    for q in questions:
        prior = existing.get(q.number)
        answers[q.number] = st.text_area(f"{q.number}. {q.text}",
                                         value=prior.answer if prior else "", max_chars=2000,
                                         key=f"q{q.number}_{monday}")
    # Reflections: private, team or chapter; one at a time reaches partners (Partners page).
    vis = [v for v in VISIBILITIES if v in ("private", "team", "chapter")]
    current = next(iter(existing.values())).visibility if existing else "private"
    shown = handout.vocabulary(tr, "VISIBILITIES")
    visibility = st.radio(_("Who can see these reflections"), vis, index=vis.index(current),
                          format_func=lambda v: _("Only me (recommended)") if v == "private"
                          else shown[v])
    saved = st.form_submit_button(_("Save reflections"), type="primary")
if saved:
    try:
        with common.save_failures_here():  # a full disk says so by this form's button
            journal.save_reflection(db, me, ReflectionDraft(monday, answers, visibility),
                                    today=today)
    except ValidationError as exc:
        common.show_validation(exc)
    else:
        stored = journal.my_reflections(db, me, monday)  # read back before confirming
        n, day = len(stored), days.day(tr, monday)
        confirmations = {
            "private": tr.ngettext(
                "Reflections saved. {count} answer for the week of {day}, seen only by you.",
                "Reflections saved. {count} answers for the week of {day}, seen only by you.",
                n),
            "team": tr.ngettext(
                "Reflections saved. {count} answer for the week of {day}, seen by your team "
                "lead and team.",
                "Reflections saved. {count} answers for the week of {day}, seen by your team "
                "lead and team.", n),
            "chapter": tr.ngettext(
                "Reflections saved. {count} answer for the week of {day}, seen by the chapter.",
                "Reflections saved. {count} answers for the week of {day}, seen by the "
                "chapter.", n),
        }
        fallback = tr.ngettext(
            "Reflections saved. {count} answer for the week of {day}, seen as you chose.",
            "Reflections saved. {count} answers for the week of {day}, seen as you chose.", n)
        common.flash(confirmations.get(visibility, fallback).format(count=n, day=day))
        st.rerun()

earlier = [w for w in journal.reflection_weeks(db, me) if w != monday]
if earlier:
    with st.expander(tr.ngettext("Earlier reflections ({count} week)",
                                 "Earlier reflections ({count} weeks)",
                                 len(earlier)).format(count=len(earlier))):
        for w in earlier[:26]:
            st.markdown(f"**{days.week(tr, w)}**")
            for r in journal.my_reflections(db, me, w):
                st.caption(questions[r.question - 1].text)
                st.text(r.answer)
