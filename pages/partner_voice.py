"""Partner voice: the organisations we work with, asking them rarely how we did, what
they told us (as they allowed), and what we did about it."""

import smtplib
from datetime import date

import pandas as pd
import streamlit as st

from allyship.core import access
from allyship.core.models import ValidationError
from allyship.core.safe_text import inert
from allyship.i18n import formatting, translate
from allyship.people.language_settings import chapter_language
from allyship.rhythm import mail
from allyship.ui import common, language
from allyship.voice import asks, figures, mailing, partners, report_back, rules

me = common.require_screen("partner_voice")
db = common.get_db()
tr = language.translator()
_ = tr.gettext
today = date.today()
# Each language named in itself, as a speaker of it looks for it.
LANGUAGE_NAMES = {"en": "English", "es": "Español"}
# A new partner speaks the chapter's language unless the lead says otherwise.
chapter_default = chapter_language(db, me.chapter_id)
new_partner_language = chapter_default if chapter_default in rules.LANGUAGES else "en"

st.title(_("Partner voice"))
st.caption(_("Allyship is not self-defined: it must be recognised by the people we work "
             "with. Ask the organisations you work with, at most once a quarter, three short "
             "questions; see what they allowed you to see; tell them what you did."))
common.show_flash()


def reason_of(exc: Exception) -> str:
    """An error's words in the session's language (a Message by its template)."""
    said = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
    return translate(tr, said)


def act(fn, *args, done: str, **kwargs) -> tuple[bool, object]:
    """Run one change: (done?, its result); on success ``done`` shows after the rerun."""
    try:
        result = fn(db, me, *args, **kwargs)
    except ValidationError as exc:
        # Each field's problem in the session's language (Messages by their template).
        common.show_validation(ValidationError({k: translate(tr, v) for k, v in
                                                exc.errors.items()}), _("Nothing changed:"))
    except (access.PermissionDenied, LookupError) as exc:
        st.error(inert(reason_of(exc)), icon=":material/block:")
    except (mail.MailNotConfigured, smtplib.SMTPException, OSError) as exc:
        st.error(inert(_("Nothing was sent: {reason}").format(reason=reason_of(exc))),
                 icon=":material/error:")
    else:
        common.flash(done)
        return True, result
    return False, None


def partner_form(key: str, before: partners.PartnerDraft | None = None) -> partners.PartnerDraft | None:
    b = before or partners.PartnerDraft("", language=new_partner_language)
    with st.form(key, clear_on_submit=before is None):
        name = st.text_input(_("Organisation or group"), b.name, max_chars=rules.NAME_MAX,
                             key=f"{key}_name")
        contact = st.text_input(_("Contact name"), b.contact_name, max_chars=rules.NAME_MAX)
        email = st.text_input(_("Contact email"), b.contact_email, max_chars=254,
                              key=f"{key}_email")
        lang = st.selectbox(_("Their language"), rules.LANGUAGES,
                            index=rules.LANGUAGES.index(b.language),
                            format_func=LANGUAGE_NAMES.get)
        groups = st.text_input(_("Plan groups they relate to (separated by commas)"),
                               ", ".join(b.plan_groups))
        notes = st.text_area(_("Notes"), b.notes, max_chars=rules.NOTES_MAX)
        if st.form_submit_button(_("Save")):
            return partners.PartnerDraft(name, contact, email, lang,
                                         tuple(g.strip() for g in groups.split(",")), notes)
    return None


kept, ask_tab, heard, did = st.tabs([_("Community partners"), _("Ask"),
                                     _("What they told us"), _("You said — we did")])

# --- the organisations we work with -----------------------------------------------------
with kept:
    st.caption(_("Organisations and groups only, never a person's private contact. Kept by "
                 "team leads and chapter admins."))
    listed = partners.list_partners(db, me)
    if listed:
        st.dataframe(pd.DataFrame([{
            _("Organisation"): p.name, _("Contact"): p.contact_name,
            _("Language"): LANGUAGE_NAMES.get(p.language, p.language),
            _("Plan groups"): ", ".join(p.plan_groups),
            _("Asked us not to ask again"): bool(p.do_not_ask_since)} for p in listed]),
            hide_index=True)
    st.header(_("Add a community partner"))
    draft = partner_form("voice_add")
    if draft is not None and act(partners.add_partner, draft, done=_("Partner added."))[0]:
        st.rerun()
    if listed:
        st.header(_("Change or archive"))
        chosen = st.selectbox(_("Community partner"), listed, format_func=lambda p: p.name,
                              key="voice_edit_pick")
        draft = partner_form(f"voice_edit_{chosen.id}", chosen.draft)
        if draft is not None and act(partners.update_partner, chosen.id, draft,
                                     done=_("Changes saved."))[0]:
            st.rerun()
        if st.button(_("Archive: we no longer work together"), key="voice_archive") and \
                act(partners.archive_partner, chosen.id, done=_("Archived."))[0]:
            st.rerun()

# --- asking, rarely and lightly ---------------------------------------------------------
with ask_tab:
    st.caption(_("One request per partner per quarter, at most. Three optional questions, "
                 "under three minutes, in their language, no account. Partners can ask never "
                 "to be asked again, and then they never are."))
    askable = partners.list_partners(db, me)
    if not askable:
        st.info(_("Add a community partner first."))
    else:
        who = st.selectbox(_("Ask"), askable, format_func=lambda p: p.name, key="voice_ask_pick")
        refusal = asks.budget_refusal(db, who, today, tr)
        if refusal:
            st.warning(inert(refusal), icon=":material/schedule:")
        else:
            with st.form("voice_ask"):
                thanks = st.text_input(_("A note of any honorarium or thanks we gave "
                                         "(optional)"), max_chars=rules.THANKS_MAX)
                if st.form_submit_button(_("Send the request")):
                    made, new = act(asks.create_ask, who.id, thanks_note=thanks, tr=tr,
                                    done=_("Request made."))
                    if made:
                        status = mailing.send_request(db, new)
                        st.session_state["voice_link"] = (
                            who.name, mailing.link(db, me.chapter_id, new.token), status)
                        st.rerun()
    if "voice_link" in st.session_state:
        name, link, status = st.session_state["voice_link"]
        sent = {"sent": _("The request was emailed to {name}."),
                "failed": _("The email to {name} could not be sent; hand over the link."),
                "not set up": _("Email is not set up; hand the link to {name} in person."),
                "none": _("{name} has no email address; hand over the link in person.")}
        st.info(inert(sent[status].format(name=name)), icon=":material/mail:")
        st.caption(_("The link, to hand over in person (shown this once; only a fingerprint "
                     "of it is kept):"))
        st.code(link, language=None)

# --- what they told us ------------------------------------------------------------------
with heard:
    st.caption(_("Scale answers are shown only as totals for the whole chapter, for a "
                 "quarter whose requests have all closed, and only when at least {minimum} "
                 "partners answered: a shown total never changes. Comments are shown as "
                 "each partner chose. Nothing here is about any one member.").format(
        minimum=rules.MIN_RESPONSES))
    states = figures.quarter_states(db, me.chapter_id, today)
    if not states:
        st.info(_("No requests yet."))
    for state in states:
        label = rules.quarter_label(tr, state.quarter)
        st.header(label)
        if not state.shown:
            when = formatting.format_day(tr, state.fixed_on)
            st.caption(_("Totals for {quarter} are shown from {day} if at least {minimum} "
                         "partners answered.").format(quarter=label, day=when,
                                                      minimum=rules.MIN_RESPONSES)
                       if state.fixed_on > today else
                       _("Fewer than {minimum} partners answered in {quarter}: no totals are "
                         "shown.").format(quarter=label, minimum=rules.MIN_RESPONSES))
            continue
        shown = figures.totals(db, me.chapter_id, state.quarter)
        rows = []
        for row in figures.intent_beside_impact(db, me, shown, tr):
            q = row.question
            rows.append({
                _("Question"): rules.question_text(tr, q),
                _("Our practice (members practising it, weekly)"):
                    formatting.format_percent(tr, row.practice_share)
                    if row.practice_share is not None else row.practice_note,
                **{rules.option_text(tr, q, i + 1): n for i, n in enumerate(row.partners.counts)},
                _("Partners who answered"): row.partners.answered})
        st.caption(tr.ngettext("{count} partner answered.", "{count} partners answered.",
                               shown.responses).format(count=shown.responses))
        st.dataframe(pd.DataFrame(rows), hide_index=True)
    said = figures.quotes(db, me.chapter_id, today, for_leads=True)
    if said:
        st.header(_("Comments"))
    for quote in said:
        who_said = quote.organisation if quote.consent == "named" else (
            _("{organisation} (for leads only)").format(organisation=quote.organisation)
            if quote.consent == "lead" else _("A partner"))
        st.markdown(f"{inert(quote.text)}  \n— *{inert(who_said)}*, "
                    f"{inert(rules.quarter_label(tr, quote.quarter))}")
    st.download_button(_("Download what may be shared (CSV)"),
                       figures.export_frame(db, me, today).to_csv(index=False),
                       file_name="partner-voice.csv", mime="text/csv")

# --- you said, we did -------------------------------------------------------------------
with did:
    st.caption(_("Write what the chapter did about what partners told us. Partners who "
                 "answered get it by email and on their link; the chapter report quotes it. "
                 "Once sent it no longer changes."))
    quarters = [s.quarter for s in figures.quarter_states(db, me.chapter_id, today)]
    if not quarters:
        st.info(_("No requests yet."))
    else:
        quarter = st.selectbox(_("Quarter"), quarters, key="voice_back_quarter",
                               format_func=lambda q: rules.quarter_label(tr, q))
        back = report_back.get(db, me.chapter_id, quarter)
        if back is not None and back.sent_at:
            st.success(_("Sent."), icon=":material/check_circle:")
            st.text(back.text)
        else:
            with st.form("voice_back"):
                text = st.text_area(_("What we did"), back.text if back else "",
                                    max_chars=rules.REPORT_BACK_MAX)
                if st.form_submit_button(_("Save")):
                    if act(report_back.write, quarter, text, done=_("Saved."))[0]:
                        st.rerun()
            if back is not None and st.button(_("Send it to the partners who answered"),
                                              key="voice_back_send") and \
                    act(mailing.send_report_back, quarter, done=_("Sent."))[0]:
                st.rerun()
