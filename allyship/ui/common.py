"""The only Streamlit-aware helper module: database handle, acting member, messages.

Pages import from here and from the rest of :mod:`allyship`; they never open a
connection, decide a permission or write SQL themselves.
"""

from __future__ import annotations

import contextlib
import pickle
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlite_utils
import streamlit as st

from allyship import demo
from allyship.core import access
from allyship.core.models import Member, ValidationError
from allyship.core.safe_text import inert
from allyship.core.wording import message_of
from allyship.db import storage_errors, store
from allyship.i18n import Translator, translate
from allyship.people import roster
from allyship.ui import language, navigation, view_cache
from allyship.ui.a11y import NARROW_MAX_PX

# The browser tab's icon, a file of our own: a Material icon here made every browser fetch
# it from a third-party host (fonts.gstatic.com), which the app must never do.
FAVICON = Path(__file__).with_name("favicon.png")

_local = threading.local()

_first_run_lock = threading.Lock()


def db_path() -> Path:
    """This server's database (:func:`allyship.db.store.server_db_path`)."""
    return store.server_db_path()


def demo_on_first_run() -> bool:
    """First run creates the demo unless ``ALLYSHIP_FIRST_RUN_DEMO=0``."""
    import os

    return os.environ.get("ALLYSHIP_FIRST_RUN_DEMO", "1").strip() not in ("0", "false", "no")


def get_db() -> sqlite_utils.Database:
    """This script run's database handle.

    Streamlit runs each rerun of each session on a thread of its own, so the handle is
    thread-local: never shared between two runs at once. When the run's thread ends its
    connection goes back to a small pool for a later run (:class:`_Lease`): opening one
    (and checking the schema) on every page view cost CPU.
    """
    path = db_path()
    lease = getattr(_local, "lease", None)
    if lease is None or lease.path != path:
        if not path.exists():
            _first_run(path)
        _local.lease = lease = _Lease(path)
    return lease.db


# Connections a finished run left, for the next runs: (path, file identity, handle).
# A few: more runs at once than this simply open their own, as before.
POOL_SIZE = 4
_pool: list[tuple[Path, tuple[int, int], sqlite_utils.Database]] = []
_pool_lock = threading.Lock()


def close_pooled_connections() -> int:
    """Close the connections waiting in the pool (the next runs open new ones); how
    many. For tools that watch the connections the app opens (``bench/plans.py``)."""
    with _pool_lock:
        idle, _pool[:] = list(_pool), []
    for _path, _ident, db in idle:
        db.conn.close()
    return len(idle)


def _file_identity(path: Path) -> tuple[int, int]:
    """Which file is at ``path`` now: a database replaced on disk (a restore, a fresh
    demo) is another file, and a connection to the old one must not be reused."""
    try:
        st_ = path.stat()
    except OSError:
        return (-1, -1)
    return (st_.st_dev, st_.st_ino)


class _Lease:
    """One run's connection: taken from the pool (if one to the same file is there) or
    opened, and given back when the run's thread ends (its thread-locals go)."""

    def __init__(self, path: Path) -> None:
        self.path, self.identity = path, _file_identity(path)
        with _pool_lock:
            stale = [e for e in _pool if e[0] == path and e[1] != self.identity]
            _pool[:] = [e for e in _pool if e not in stale]
            found = next((i for i, (p, ident, _db) in enumerate(_pool)
                          if p == path and ident == self.identity), None)
            self.db = _pool.pop(found)[2] if found is not None else None
        for _path, _ident, old in stale:  # to a file no longer there: closed
            old.conn.close()
        if self.db is None:
            # check_same_thread=False: the next run is another thread; a lease is only
            # ever used by one thread at a time.
            self.db = store.connect(path, check_same_thread=False)

    def __del__(self) -> None:
        try:
            self._give_back()
        except Exception:  # noqa: BLE001 - at interpreter exit the pool may be gone
            pass

    def _give_back(self) -> None:
        db = self.db
        try:
            if db.conn.in_transaction:  # a run stopped mid-write: roll it back
                db.conn.execute("ROLLBACK")
            reusable = _file_identity(self.path) == self.identity
        except sqlite3.Error:
            reusable = False
        if not reusable:
            db.conn.close()
            return
        with _pool_lock:
            _pool.append((self.path, self.identity, db))
            extra = _pool[:-POOL_SIZE] if len(_pool) > POOL_SIZE else []
            del _pool[:len(extra)]
        for _path, _ident, old in extra:  # the longest unused go
            old.conn.close()


def _first_run(path: Path) -> None:
    with _first_run_lock:
        if path.exists():
            return
        _ = language.translator().gettext
        if not demo_on_first_run():
            st.error(_("No database at `{path}`. Create your chapter with "
                       "`python -m allyship init --db PATH --chapter NAME --admin-name NAME "
                       "--admin-email EMAIL`, or unset ALLYSHIP_FIRST_RUN_DEMO to start with "
                       "the demo chapter.").format(path=path))
            st.stop()
        with st.spinner(_("First run: creating the demo chapter…")):
            tmp = path.with_name(path.name + ".creating")
            for p in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
                p.unlink(missing_ok=True)
            demo.create_demo_database(tmp)
            tmp.replace(path)  # appears whole, or not at all


def data_version(db: sqlite_utils.Database) -> int:
    return store.data_version(db)


def cached(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call ``fn(db, *args, **kwargs)`` through a cache shared by every session of the
    server process, never stale.

    The key is the data version of the acting member's chapter (the first
    :class:`Member` among the arguments; access rules keep a member's reads inside
    their own chapter) together with the organisation-wide version, so a write in
    another chapter keeps this view cached. Without a member among the arguments, or
    for a member with an organisation role (whose views read across chapters), the key
    is the total version, which every write changes.

    The result is shared, not copied: callers only read it (every view is a frozen
    dataclass of plain values, tables and pandas frames, and pandas' copy-on-write makes
    every frame operation return a new frame).
    """
    db = get_db()
    actor = next((a for a in (*args, *kwargs.values()) if isinstance(a, Member)), None)
    across_chapters = actor is None or actor.org_role is not None
    version: Any = (store.data_version(db) if across_chapters else
                    ("chapter", actor.chapter_id,
                     store.chapter_data_version(db, actor.chapter_id)))
    named = tuple(sorted(kwargs.items()))
    # The arguments pickled: their values, far cheaper to key on than hashing each object.
    scope = (str(db_path()), *(version[:2] if isinstance(version, tuple) else ("all",)))
    return view_cache.VIEWS.get(
        scope, version, (fn.__module__, fn.__qualname__, pickle.dumps((args, named))),
        lambda: fn(get_db(), *args, **dict(named)))


def clear_cached_views() -> None:
    """Forget every view :func:`cached` holds (benchmarks and tests measure cold views)."""
    view_cache.VIEWS.clear()


# --- who is acting ---------------------------------------------------------------

def current_member(db: sqlite_utils.Database | None = None) -> Member | None:
    """The signed-in member for this session, or ``None``."""
    db = db or get_db()
    member_id = st.session_state.get("member_id")
    if member_id is None:
        return None
    if st.session_state.get("auth_mode") == "password":
        # Each page re-checks the password session: it may have ended in another tab
        # (sign-out), by expiry or by deactivation since the entry script ran.
        from allyship.people import sessions

        if sessions.member_for_session(db, st.session_state.get("session_id"),
                                       member_id) is None:
            for key in ("member_id", "auth_mode", "session_id"):
                st.session_state.pop(key, None)
            return None
    try:
        member = roster.get_member(db, member_id)
    except LookupError:
        st.session_state.pop("member_id", None)
        return None
    return member if member.active else None


def require_screen(screen: str) -> Member:
    """The acting member, if their role may use ``screen``; otherwise a refusal and stop."""
    navigation.leave_legacy_pages_mode()
    member = current_member()
    phone_targets()
    if member is not None:
        navigation.go_to_wanted_page()  # the page an email's link named, after sign-in
    try:
        return access.require_screen(member, screen)
    except access.PermissionDenied as exc:
        st.error(words(language.translator(), message_of(exc)))
        st.stop()
        raise  # unreachable: st.stop() ends the run


def demo_banner(db: sqlite_utils.Database) -> None:
    if store.is_demo(db):
        _ = language.translator().gettext
        label = (_("Demo chapter — invented people and data, for trying the app")
                 if demo.DEMO_LABEL == "Demo chapter — invented people and data, for trying "
                 "the app" else demo.DEMO_LABEL)
        st.sidebar.warning(_("**DEMO** — {label}").format(label=label),
                           icon=":material/science:")


# --- messages and forms -------------------------------------------------------------

def words(tr: Translator, text: str) -> str:
    """A message made below the pages in ``tr``'s language (:func:`allyship.i18n.translate`)."""
    return translate(tr, text)


def show_validation(exc: ValidationError, intro: str | None = None) -> None:
    """Every field's problem, in words, above the form (which keeps what was typed).
    ``intro`` (already in the reader's language) defaults to "Nothing was saved:"."""
    tr = language.translator()
    intro = tr.gettext("Nothing was saved:") if intro is None else tr.gettext(intro)
    # Messages quote what was typed; escaped so it shows as typed, never as Markdown.
    lines = "\n".join(f"- {inert(words(tr, msg))}" for msg in exc.errors.values())
    st.error(f"{intro}\n\n{lines}", icon=":material/error:")


def write_failure(tr: Translator, message: str) -> str:
    """A failed write's sentence (:mod:`allyship.db.storage_errors`) in ``tr``'s
    language."""
    _ = tr.gettext
    known = {
        storage_errors.DISK_FULL: _("The database could not be written: the disk is full. "
                                    "Nothing was saved."),
        storage_errors.DISK_FULL.replace("The database", "The file"): _(
            "The file could not be written: the disk is full. Nothing was saved."),
        storage_errors.READ_ONLY: _("The database could not be written: it is read-only on "
                                    "this server. Nothing was saved."),
        storage_errors.BUSY: _("The database is busy with other changes. Nothing was saved; "
                               "please try again."),
        storage_errors.CANNOT_OPEN: _("The database could not be opened for writing (its "
                                      "disk or folder may be read-only). Nothing was saved."),
        storage_errors.IO_ERROR: _("The database could not be written: the disk reported an "
                                   "error. Nothing was saved."),
        "The file could not be written: the folder is read-only or not yours. Nothing was "
        "saved.": _("The file could not be written: the folder is read-only or not yours. "
                    "Nothing was saved."),
    }
    return known.get(message) or words(tr, message)


@contextlib.contextmanager
def report_write_failures(where: str = "page") -> Iterator[None]:
    """Around a page run: a full disk or a read-only database shows one sentence at the
    top of the page ("… Nothing was saved.") instead of a traceback, and the detail goes
    to the log. What was typed stays in the form: the page above the failed save has
    already been drawn with it, and Streamlit keeps widget values for the next run."""
    slot = st.container()  # drawn before the page, so the sentence shows at its top
    try:
        yield
    except (sqlite3.DatabaseError, OSError) as exc:
        message = storage_errors.explain(exc)
        if message is None:
            raise
        storage_errors.log_failure(exc, where)
        slot.error(write_failure(language.translator(), message), icon=":material/error:")


def show_denied(exc: access.PermissionDenied) -> None:
    st.error(words(language.translator(), message_of(exc)), icon=":material/block:")


def form_token(name: str) -> str:
    """An idempotency key for one filling-in of a form: a double-click sends the same
    key twice and the store writes one row."""
    key = f"_token_{name}"
    if key not in st.session_state:
        st.session_state[key] = uuid.uuid4().hex
    return st.session_state[key]


def new_form_token(name: str) -> None:
    st.session_state.pop(f"_token_{name}", None)


def flash(message: str) -> None:
    """A success message that survives the rerun after a save."""
    st.session_state["_flash"] = message


def show_flash(slot: Any = None) -> None:
    """The last save's confirmation, in a box the browser hides the moment another
    button is pressed (:data:`PHONE_CSS`'s script), so an old confirmation is never read
    as the answer to a new submit.

    ``slot`` (an ``st.empty()`` placed at the top of the page) lets a page that saves
    further down in the same run still confirm at the top, without a second run."""
    message = st.session_state.pop("_flash", None)
    if message:
        # A key of its own each time: a box the browser hid must not be reused.
        shown = st.session_state["_flash_count"] = st.session_state.get("_flash_count", 0) + 1
        from allyship.ui import a11y  # focus and screen reader land on the confirmation

        # One element (the box holds its focusing script too), so a slot can hold it.
        with (slot or st).container(key=f"saved_confirmation_{shown}"):
            st.success(message, icon=":material/check_circle:")
            # Found on the page by its opening words: the part before any Markdown (a
            # quoted text shows without its asterisks and escapes).
            a11y.focus_confirmation(message.split("*", 1)[0].strip() or message)


def quoted(text: str, limit: int = 60) -> str:
    """Member text for a confirmation: one line, shortened, escaped, in italics."""
    line = " ".join(str(text).split())
    if len(line) > limit:
        line = line[:limit - 1].rstrip() + "…"
    return f"*{inert(line)}*"


@contextlib.contextmanager
def save_failures_here() -> Iterator[None]:
    """Around one form's save: a full disk or read-only database says so right here, by
    the button just pressed, and (re-raised) at the top of the page too."""
    try:
        yield
    except (sqlite3.DatabaseError, OSError) as exc:
        message = storage_errors.explain(exc)
        if message is not None:
            st.error(write_failure(language.translator(), message), icon=":material/error:")
        raise


def submit_key(form_key: str) -> str:
    """The key of form ``form_key``'s submit button, so :func:`submitted` can ask for it."""
    return f"{form_key}_save"


def submitted(form_key: str) -> bool:
    """This run is the submit of form ``form_key`` — known before the form is drawn, from
    what the browser sent with it (its button keyed by :func:`submit_key`)."""
    return bool(st.session_state.get(submit_key(form_key)))


class EarlySave:
    """A save made before its form is drawn, so that the run its submit starts shows the
    outcome (no second run): the confirmation at the top, then an empty form — or the form
    as typed, with what was refused, or the failed write, said under it (:meth:`say`)."""

    def __init__(self) -> None:
        self.refused: ValidationError | None = None
        self.failed: Exception | None = None

    def run(self, save: Callable[[], Any]) -> Any:
        """``save()``'s result; ``None`` if it was refused or the write failed."""
        try:
            return save()
        except ValidationError as exc:
            self.refused = exc
        except (sqlite3.DatabaseError, OSError) as exc:
            self.failed = exc
        return None

    def say(self) -> None:
        """Under the form just drawn: what was wrong; or the failed write, by the form's
        button and (re-raised) at the top of the page."""
        if self.refused is not None:
            show_validation(self.refused)
        if self.failed is not None:
            with save_failures_here():
                raise self.failed


# --- phone-sized targets -------------------------------------------------------------


# Every checkbox, radio, switch, button, menu and tab at least 44×44 CSS px on a phone
# (WCAG 2.2 "target size, enhanced"), with room between radio choices so the neighbour is
# not picked by mistake.
PHONE_CSS = f"""<style>
@media (max-width: {NARROW_MAX_PX}px) {{
  [data-testid="stCheckbox"] label, [data-testid="stRadio"] label[data-baseweb="radio"],
  [data-testid="stCheckbox"] label[data-baseweb="checkbox"] {{
    min-height: 44px; align-items: center; }}
  [data-testid="stRadio"] [role="radiogroup"] {{ gap: 10px; }}
  [data-testid="stMain"] button, [data-testid="stMain"] summary,
  [data-testid="stMain"] [data-testid="stPageLink"] a,
  [data-testid="stMain"] [data-baseweb="select"] > div,
  [data-testid="stMain"] [data-baseweb="input"] {{
    min-height: 44px !important; min-width: 44px; height: auto; }}
  /* Static tables fit the screen, their cells wrapping, rather than scroll sideways in a
     box a keyboard cannot reach. */
  [data-testid="stMain"] [data-testid="stTable"] div {{ overflow: visible !important; }}
  [data-testid="stMain"] [data-testid="stTable"] table {{
    table-layout: fixed; width: 100% !important; min-width: 0 !important; }}
  [data-testid="stMain"] [data-testid="stTable"] th,
  [data-testid="stMain"] [data-testid="stTable"] td {{
    white-space: normal !important; overflow-wrap: anywhere; }}
}}
</style>"""

# Hides the last save's confirmation as soon as any button is pressed: the next run's
# answer replaces it, and until then nothing on screen claims the new submit was saved.
CLEAR_CONFIRMATION_JS = """<script>
(() => {
  const doc = (window.parent || window).document;
  if (doc.__allyshipClearsConfirmation) return;
  doc.__allyshipClearsConfirmation = true;
  doc.addEventListener('click', (ev) => {
    if (!ev.target.closest || !ev.target.closest('button')) return;
    doc.querySelectorAll('[class*="st-key-saved_confirmation_"]').forEach((el) => {
      el.style.display = 'none';
    });
  }, true);
})();
</script>"""


def phone_targets() -> None:
    """The phone-size target rules and the confirmation clearing, on every page."""
    st.html(PHONE_CSS)
    st.html(CLEAR_CONFIRMATION_JS, unsafe_allow_javascript=True, width="content")
