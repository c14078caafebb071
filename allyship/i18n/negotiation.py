"""Which language a person sees, and which way it is written: pure functions.

The order is the member's own setting, then the browser's languages, then the chapter's
default, then English. Each preference matches a catalogue exactly ("es_MX") or by its
language alone ("es-MX" finds "es"); one that matches nothing is passed over, so a
setting naming a language whose catalogue was removed falls through instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from babel import Locale, UnknownLocaleError

DEFAULT_LANGUAGE = "en"


def normalise(tag: str) -> str:
    """A language tag as a catalogue directory names it: ``"es-mx"`` → ``"es_MX"``."""
    parts = tag.strip().replace("-", "_").split("_")
    if not parts or not parts[0]:
        return ""
    head, rest = parts[0].lower(), parts[1:]
    # Script subtags are title case (Latn), regions upper case (MX, 419).
    return "_".join([head, *(p.title() if len(p) == 4 else p.upper() for p in rest if p)])


def match(tag: str | None, available: Iterable[str]) -> str | None:
    """The available language ``tag`` asks for: exact, else its language alone, else None."""
    if not tag:
        return None
    wanted = normalise(tag)
    by_key = {normalise(a).lower(): a for a in available}
    exact = by_key.get(wanted.lower())
    if exact is not None:
        return exact
    return by_key.get(wanted.split("_")[0].lower())


def parse_accept_language(header: str | None) -> list[str]:
    """The tags of an HTTP ``Accept-Language`` header, most wanted first (``q=0`` dropped)."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(available: Iterable[str], *, member: str | None = None,
              browser: str | Sequence[str] | None = None, chapter: str | None = None,
              default: str = DEFAULT_LANGUAGE) -> str:
    """The language to show: the member's setting, else the first of the browser's
    languages we have, else the chapter's default, else ``default``."""
    choices = list(available)
    browsers = [browser] if isinstance(browser, str) else list(browser or ())
    for wanted in (member, *browsers, chapter):
        found = match(wanted, choices)
        if found is not None:
            return found
    return default


def direction(tag: str) -> str:
    """``"rtl"`` for a language written right to left (Arabic, Hebrew, Persian…), else
    ``"ltr"``: read from Unicode CLDR through Babel, so a new language needs no code."""
    try:
        order = Locale.parse(normalise(tag)).character_order
    except (UnknownLocaleError, ValueError, TypeError):
        try:
            order = Locale.parse(normalise(tag).split("_")[0]).character_order
        except (UnknownLocaleError, ValueError, TypeError):
            return "ltr"
    return "rtl" if order == "right-to-left" else "ltr"
