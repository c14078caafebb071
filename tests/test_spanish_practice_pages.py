"""Explore."""
import re
import pytest
from babel import Locale
from i18n_helpers import PSEUDO, data_strings, open_in, shown_texts, untranslated
from allyship.core.safe_text import inert

_INNER = re.compile(r"⟦[^⟦⟧]*⟧")
def flat(texts):
    out = []
    for t in texts:
        while True:
            inner = _INNER.findall(t)
            if not inner or all(t.count("⟦") <= 1 for _ in [0]):
                break
            t2 = _INNER.sub(" ", t)
            if "⟦" not in t2:
                break
            t = t2
        out.append(t)
    return out

def names():
    en = Locale.parse("en")
    words = set()
    for ctx in ("format", "stand-alone"):
        for width in ("abbreviated", "wide"):
            words |= set(en.months[ctx][width].values()) | set(en.days[ctx][width].values())
    return words

@pytest.mark.parametrize("language", ["en_XA", "es"])
@pytest.mark.parametrize("role", ["member", "lead", "admin"])
@pytest.mark.parametrize("page", ["shared", "partners", "circles", "ideas", "data"])
def test_explore(demo_db, role, language, page):
    if page == "data" and role != "admin":
        pytest.skip()
    at = open_in(demo_db, role, language, f"pages/{page}.py")
    data = data_strings(demo_db)
    data = sorted(set(data) | {inert(s) for s in data} | {s[:80] for s in data}, key=len, reverse=True)
    left = untranslated(flat(shown_texts(at.main)), language, data=data, allowed=(names() | {"https"}) if language == PSEUDO else {"Ideas", "ideas", "https"})
    for l in left: print("LEFT", language, role, page, l[:300])
    assert left == []
