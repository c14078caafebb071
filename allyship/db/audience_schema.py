"""Schema: sign-in bound to its browser, and a reflection's audience fixed when shared."""

from __future__ import annotations

import sqlite_utils

# The author's active partners as ",id,id," ({who}: the author's id in the statement).
_PARTNERS_OF = ("(SELECT ',' || group_concat(pid, ',') || ',' FROM ("
                "SELECT invitee_id AS pid FROM partnerships WHERE inviter_id = {who}"
                " AND status = 'active' UNION SELECT inviter_id FROM partnerships"
                " WHERE invitee_id = {who} AND status = 'active'))")
_STAMP_REFLECTION_PARTNERS = (
    "UPDATE reflections SET audience_partners = CASE WHEN NEW.partners_see = 1 THEN "
    + _PARTNERS_OF.format(who="NEW.member_id") + " END WHERE id = NEW.id;")


def bind_sign_in_to_browser_and_fix_reflection_audience(db: sqlite_utils.Database) -> None:
    """Two audiences fixed where they are given.

    * ``sessions.browser_hash``: the hash of the sign-in cookie of the browser that signed
      in; the hand-over nonce is exchanged only by a browser holding that cookie.
    * ``reflections.audience_partners`` (``,id,id,``): the partners a reflection was
      shared with, stamped by triggers when it is shared (as ``actions`` are), cleared
      when it stops being shared; a later partner does not read it. Reflections already
      shared get the author's partners as they are now (the best record there is).
    """
    for stmt in (
        "ALTER TABLE sessions ADD COLUMN browser_hash TEXT",
        "ALTER TABLE reflections ADD COLUMN audience_partners TEXT",
        """CREATE TRIGGER reflections_audience_on_share AFTER UPDATE OF partners_see
           ON reflections WHEN NEW.partners_see IS NOT OLD.partners_see
           BEGIN """ + _STAMP_REFLECTION_PARTNERS + " END",
        """CREATE TRIGGER reflections_audience_on_insert AFTER INSERT ON reflections
           WHEN NEW.partners_see = 1 AND NEW.audience_partners IS NULL
           BEGIN """ + _STAMP_REFLECTION_PARTNERS + " END",
        "UPDATE reflections SET audience_partners = "
        + _PARTNERS_OF.format(who="reflections.member_id") + " WHERE partners_see = 1",
    ):
        db.execute(stmt)
