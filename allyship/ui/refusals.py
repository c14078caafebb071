"""A form's problems and a refusal, shown in the reader's language.

The domain says what is wrong with :class:`allyship.i18n.Message` (English text that
remembers its template); these draw it through this session's translator, the English
unchanged for an English reader.
"""

from __future__ import annotations

import streamlit as st

from allyship.core import access
from allyship.core.models import ValidationError
from allyship.i18n import translate
from allyship.ui import common, language


def said(exc: Exception) -> str:
    """What an exception says, keeping the :class:`Message` it was raised with."""
    return exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)


def show_validation(exc: ValidationError) -> None:
    """Every field's problem above the form, in the reader's language."""
    tr = language.translator()
    common.show_validation(ValidationError({k: translate(tr, v) for k, v in exc.errors.items()}),
                           tr.gettext("Nothing was saved:"))


def show_denied(exc: access.PermissionDenied) -> None:
    """A refusal in the reader's language."""
    st.error(translate(language.translator(), said(exc)), icon=":material/block:")
