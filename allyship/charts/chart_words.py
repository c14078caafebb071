"""The charts' words in the reader's language: titles, axes, legends, tooltips, the
categories a chart shows, and the dates and numbers Vega draws.

Each chart is defined once, in English (:mod:`allyship.charts.builders`, shipped as
templates). A chart in another language is the same spec with its words looked up in the
catalogue — no Altair, no second template — and the same rows: the categories the rows
carry as English words (responsibility labels, next-step statuses, the week's state,
"Whole chapter") stay as they are in the data and are put into words by a ``calculate``
step of the chart itself, so a chart's data never depends on who reads it. Vega draws
weekdays, months and decimal marks from the spec's ``config.locale`` (CLDR, through Babel).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from babel import numbers as babel_numbers

from allyship.core.handout import RESPONSIBILITIES
from allyship.i18n import N_, SOURCE_LANGUAGE, Translator, handout

# Each chart's accessible name; {names} are the groups it draws.
DESCRIPTIONS: dict[str, str] = {
    "participation": N_("Line chart: weekly share of members who logged an action, with its "
                        "4-week average, for {names}."),
    "responsibility_actions": N_("Stacked bar chart: actions logged each week, split by the "
                                 "eight responsibilities in the handout's order."),
    "coverage": N_("Heat map: for each of the eight responsibilities and each week, how many "
                   "actions practised it; grey squares are none."),
    "consistency": N_("Bar chart: number of members by how many weeks of the period they "
                      "logged at least one action."),
    "follow_through": N_("Stacked bar chart: plan next steps done, open and overdue, per "
                         "group."),
    "minutes": N_("Line chart: hours members recorded on their actions, per week."),
    "org_participation": N_("Line chart: weekly participation of {names}."),
}
NO_GROUP = N_("no group")
# The week's state, as the rows carry it (progress_charts._add_week_state).
IN_PROGRESS, COMPLETE = N_("in progress"), N_("complete")
# A next step's status, as the follow-through chart folds it (kinds.STATUS_COLUMNS).
STATUSES = (N_("Done"), N_("Open"), N_("Overdue"))
# Group names the figures give in words (scopes.WHOLE_CHAPTER, disclosure.OTHER_LABEL,
# org_figures.OTHER_CHAPTERS; the tests hold them equal); every other group is a name
# people gave, shown as written.
GROUP_WORDS = (N_("Whole chapter"), N_("Other (small groups)"), N_("Other (small chapters)"))
_ALL_CHAPTERS = re.compile(r"^(?P<name>.+) \(all chapters\)$")

_WEEK_KINDS = ("participation", "responsibility_actions", "coverage", "minutes")
_GROUP_KINDS = ("participation", "follow_through", "org_participation")


def is_source(tr: Translator | None) -> bool:
    """Whether ``tr`` reads the charts as they are written (no translator, or English)."""
    return tr is None or tr.language == SOURCE_LANGUAGE


def group_name(tr: Translator | None, group: str) -> str:
    """A group as the reader reads it: the figures' own words translated ("Whole
    chapter", "North (all chapters)"), a name people gave as they wrote it."""
    if is_source(tr) or group is None:
        return group
    if group in GROUP_WORDS:
        return tr.gettext(group)
    found = _ALL_CHAPTERS.match(group)
    if found:
        # Translators: a region's (or the organisation's) chapters together; {name} is its name.
        return tr.gettext("{name} (all chapters)").format(name=group_name(tr, found["name"]))
    return group


def describe(kind: str, names: Iterable[str], tr: Translator | None = None) -> str:
    """The chart's accessible name, with the groups it draws."""
    names = list(names)
    template = DESCRIPTIONS[kind]
    if is_source(tr):
        return template.format(names=", ".join(names) if names else NO_GROUP)
    shown = [group_name(tr, n) for n in names]
    return tr.gettext(template).format(names=", ".join(shown) if shown
                                       else tr.gettext(NO_GROUP))


def categories(kind: str, names: Iterable[str], tr: Translator) -> dict[str, dict[str, str]]:
    """Field → {value as the rows carry it: as the reader reads it}, for the fields of
    chart ``kind`` whose values are words (only the values that change)."""
    fields: dict[str, dict[str, str]] = {}
    if kind in _WEEK_KINDS:
        fields["week_state"] = {w: tr.gettext(w) for w in (IN_PROGRESS, COMPLETE)}
    if kind in ("responsibility_actions", "coverage"):
        shown = handout.responsibilities(tr)
        fields["label"] = {r.label: s.label for r, s in zip(RESPONSIBILITIES, shown)}
        fields["full_text"] = {r.full_text: s.full_text for r, s in zip(RESPONSIBILITIES, shown)}
    if kind == "follow_through":
        fields["status"] = {s: tr.gettext(s) for s in STATUSES}
    if kind in _GROUP_KINDS:
        fields["group"] = {n: group_name(tr, n) for n in names}
    return {f: {k: v for k, v in m.items() if k != v} for f, m in fields.items()
            if any(k != v for k, v in m.items())}


def in_words(mapping: Mapping[str, str], field: str) -> str:
    """A Vega expression: ``field``'s value put into words by ``mapping`` (itself when
    the mapping has no entry)."""
    datum = f"datum[{json.dumps(field)}]"
    return f"({json.dumps(dict(mapping), ensure_ascii=False)})[{datum}] || {datum}"


def localise(spec: dict[str, Any], kind: str, names: Iterable[str] = (),
             tr: Translator | None = None) -> dict[str, Any]:
    """Chart ``kind``'s spec (a builder's, or a filled-in template, without its rows or
    with them) in ``tr``'s language; as it is for English. ``names`` are its groups as
    the rows carry them. Changes and returns ``spec``."""
    if is_source(tr):
        return spec
    names = list(names)
    _titles(spec, tr)
    spec["description"] = describe(kind, names, tr)
    words = categories(kind, names, tr)
    for field, mapping in words.items():
        _shown_domains(spec, field, mapping)
        spec.setdefault("transform", []).append({"calculate": in_words(mapping, field),
                                                 "as": field})
    if tr.locale.language != SOURCE_LANGUAGE:  # the pseudo-locale formats as English
        spec.setdefault("config", {})["locale"] = vega_locale(tr)
    return spec


def _titles(node: Any, tr: Translator) -> None:
    """Every title (chart, axis, legend, tooltip) and subtitle under ``node``, translated."""
    if isinstance(node, list):
        for item in node:
            _titles(item, tr)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key == "title" and isinstance(value, str):
            node[key] = tr.gettext(value)
        elif key == "title" and isinstance(value, dict):
            for part in ("text", "subtitle"):
                if isinstance(value.get(part), str) and value[part]:
                    value[part] = tr.gettext(value[part])
        elif key not in ("data", "datasets", "transform"):
            _titles(value, tr)


def _shown_domains(node: Any, field: str, mapping: Mapping[str, str]) -> None:
    """The categories a channel on ``field`` lists (its sort order and colour domain), as
    the ``calculate`` step will have put them."""
    if isinstance(node, list):
        for item in node:
            _shown_domains(item, field, mapping)
        return
    if not isinstance(node, dict):
        return
    if node.get("field") == field:
        if isinstance(node.get("sort"), list):
            node["sort"] = [mapping.get(v, v) for v in node["sort"]]
        scale = node.get("scale")
        if isinstance(scale, dict) and isinstance(scale.get("domain"), list):
            scale["domain"] = [mapping.get(v, v) if isinstance(v, str) else v
                               for v in scale["domain"]]
    for key, value in node.items():
        if key not in ("data", "datasets", "transform"):
            _shown_domains(value, field, mapping)


def vega_locale(tr: Translator) -> dict[str, Any]:
    """Vega's number and time locale for ``tr``'s language, from CLDR: the decimal mark
    in a tooltip's hours, the weekday and month on an axis ("lun 07 dic")."""
    loc = tr.locale
    percent = babel_numbers.format_percent(0, locale=loc).replace("0", "", 1)
    fmt_days, fmt_months = loc.days["format"], loc.months["format"]
    sunday_first = [6, 0, 1, 2, 3, 4, 5]
    return {
        "number": {"decimal": babel_numbers.get_decimal_symbol(loc),
                   "thousands": babel_numbers.get_group_symbol(loc), "grouping": [3],
                   "currency": ["", ""], "percent": percent},
        "time": {"dateTime": "%a %e %b %Y %X", "date": "%d/%m/%Y", "time": "%H:%M:%S",
                 "periods": [loc.day_periods["format"]["abbreviated"].get(p, p)
                             for p in ("am", "pm")],
                 "days": [fmt_days["wide"][d] for d in sunday_first],
                 "shortDays": [fmt_days["abbreviated"][d] for d in sunday_first],
                 "months": [fmt_months["wide"][m] for m in range(1, 13)],
                 "shortMonths": [fmt_months["abbreviated"][m] for m in range(1, 13)]},
    }
