"""Refusals and validation errors made in the domain (allyship.core, allyship.practice)
read in English exactly as before, and in the reader's language where they are shown."""

from __future__ import annotations

import pickle
from datetime import date

import pytest

from allyship.core import access
from allyship.core.models import ActionDraft, PlanDraft, PlanItemDraft, ValidationError
from allyship.core.wording import Message, message_of
from allyship.i18n import translator_for
from allyship.practice import tables
from allyship.ui.common import words

ES = translator_for("es")
PSEUDO = translator_for("en_XA")
TODAY = date(2026, 12, 7)


def refusals(draft, **kwargs) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        draft.validated(**kwargs)
    return caught.value.errors


def test_an_empty_action_is_refused_in_english_as_before_and_in_spanish_where_shown():
    errors = refusals(ActionDraft(None, ""), today=TODAY)
    assert errors == {"done_on": "Date is required",
                      "description": "What you did is required",
                      "responsibilities": "Choose at least one responsibility this action "
                                          "practised"}
    assert [words(ES, e) for e in errors.values()] == [
        "Falta completar «Fecha»", "Falta completar «Lo que hiciste»",
        "Elige al menos una responsabilidad que esta acción puso en práctica"]


def test_every_domain_message_has_a_translation_with_its_fields_kept():
    errors = {**refusals(ActionDraft(date(2027, 1, 1), "x" * 2001, (9,), minutes="a"),
                         today=TODAY),
              **refusals(PlanDraft("", items=(PlanItemDraft("next_step", ""),)), today=TODAY)}
    for english in errors.values():
        spanish, pseudo = words(ES, english), words(PSEUDO, english)
        assert spanish != english and pseudo.startswith("⟦"), english
    assert words(ES, errors["description"]) == "«Lo que hiciste» tiene 2001 caracteres; " \
                                               "el límite es 2000"
    assert words(ES, errors["items.1"]) == "Falta completar «Próximo paso 1»"


def test_a_refusal_keeps_its_template_through_the_exception_and_a_pickle():
    with pytest.raises(access.PermissionDenied) as caught:
        access.require_active(None)
    assert str(caught.value) == "Please sign in first."
    assert words(ES, message_of(caught.value)) == "Primero inicia sesión."
    label = pickle.loads(pickle.dumps(Message("{label} is required", label=Message("Week"))))
    assert (label, words(ES, label)) == ("Week is required", "Falta completar «Semana»")


def test_a_catch_up_row_in_spanish_reads_back_to_the_same_keys():
    monday = date(2026, 11, 30)
    days = tables.catch_up_days(monday, TODAY, ES)
    frame = tables.catch_up_frame(monday, rows=1, tr=ES)
    frame.loc[0, "Date"] = next(iter(days))
    frame.loc[0, "What I did"] = "Escuché sin interrumpir"
    frame.at[0, "Responsibilities"] = [tables.responsibility_labels(ES)[1]]
    frame.loc[0, "Shared with"] = tables.visibility_labels(ES)["team"]
    (draft,) = tables.drafts_from_catch_up(frame, "t", days, ES)
    assert (draft.done_on, draft.responsibilities, draft.kind, draft.visibility) == (
        monday, (2,), "other", "team")
    assert next(iter(days)) == "lun 30 nov 2026"
