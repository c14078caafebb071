"""The one report renderer: what the chapter and organisation reports share to become
files — HTML escaping, the stylesheet, the page around the sections, tables, charts as
inline SVG (drawn offline through :mod:`allyship.charts.svg_render`), Markdown cell
escaping, the formats and the file names.

An HTML report is one self-contained file: no scripts, no fonts or images fetched from
anywhere; it prints cleanly on A4 or Letter.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import Any, TypeVar

from allyship.charts import progress_charts
from allyship.core.handout import PracticeQuestion

FORMATS: dict[str, tuple[str, str]] = {  # name → (file extension, MIME type)
    "html": ("html", "text/html"),
    "md": ("md", "text/markdown"),
    "csv": ("csv", "text/csv"),
}
CHART_WIDTH = 700  # px of each chart in the HTML file; CSS scales it down to the page

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: #1b1b1b; margin: 0 auto; max-width: 60rem; padding: 1.5rem;
       line-height: 1.45; font-size: 11pt; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; }
h2 { font-size: 1.25rem; margin: 1.6rem 0 .5rem; border-bottom: 2px solid #0072B2;
     padding-bottom: .15rem; }
.sub { color: #444; margin: 0 0 .8rem; }
.notes { color: #444; font-size: .9em; }
.cards { display: grid; grid-template-columns: repeat(3, 1fr); gap: .6rem; }
.card { border: 1px solid #ccc; border-radius: 6px; padding: .5rem .7rem; }
.card .label { font-size: .85em; color: #444; }
.card .value { font-size: 1.5em; font-weight: 600; }
.card .change { font-size: .85em; }
.card .help { font-size: .78em; color: #555; margin-top: .2rem; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { font-size: .88em; color: #444; }
table { border-collapse: collapse; width: 100%; font-size: .92em; margin: .4rem 0; }
th, td { border: 1px solid #bbb; padding: .25rem .45rem; text-align: left;
         vertical-align: top; }
td.n, th.n { text-align: right; }
td:first-child { white-space: nowrap; }
tr.total td { font-weight: 600; background: #f1f5f9; }
.highlight { border-left: 4px solid #009E73; padding: .2rem .7rem; margin: .5rem 0; }
.highlight .meta { font-size: .85em; color: #444; }
.highlight .text { white-space: pre-wrap; }
ol.questions li { margin: .35rem 0; }
footer { margin-top: 2rem; font-size: .82em; color: #555; }
@page { margin: 16mm 14mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  body { line-height: 1.35; }
  h2 { margin-top: .75rem; }
  figure { margin: .5rem 0; }
  footer { margin-top: 1rem; }
  table { font-size: .85em; }
  th, td { padding: .1rem .35rem; }
  .card .help { font-size: .75em; }
  .highlight { margin: .3rem 0; padding: .1rem .6rem; }
  ul, ol { margin: .3rem 0; }
  ol.questions li { margin: .15rem 0; }
  h2 { break-after: avoid; page-break-after: avoid; }
  /* Tables may run over a page (rows stay whole, the header repeats): a long table kept
     whole left most of a page blank before it. */
  figure, .card, .cards, .highlight, li { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .screen-only { display: none; }
}
"""

Report = TypeVar("Report")


# --- text -----------------------------------------------------------------------------------

def escape(value: Any) -> str:
    """``value`` as HTML text: nothing in it becomes markup."""
    return html.escape(str(value), quote=True)


def blank(value: Any) -> str:
    """``value`` as text, with a missing one (``None``, NaN) as nothing."""
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


def percent(value: Any) -> str:
    """A share as a whole percentage, "–" when there is none."""
    return "–" if value is None or value != value else f"{value:.0%}"


def md_cell(value: Any) -> str:
    """Text for a Markdown table cell or line: escaped so that nothing typed becomes
    markup, an autolink or a line break."""
    text = html.escape(blank(value), quote=False).replace("\n", " ")
    # Markup characters, and what would start an autolink (scheme, www., an email's @).
    text = re.sub(r"([\\`*_\[\]|~!#])", r"\\\1", text)
    return text.replace("://", ":\\/\\/").replace("www.", "www\\.").replace("@", "\\@")


# --- HTML -----------------------------------------------------------------------------------

def document(*, title: str, heading: str, sub: str, sections: Iterable[str],
             notes: Iterable[str], lang: str = "en", direction: str = "ltr") -> str:
    """A whole HTML report: ``title`` and ``heading`` as text, ``sub`` (the line under the
    heading) and ``sections`` as HTML, ``notes`` as the footer's paragraphs; ``lang`` its
    language (a catalogue's code, "es" or "pt_BR") and ``direction`` ("rtl" for a language
    written from the right)."""
    opening = f'<html lang="{escape(lang.replace("_", "-"))}"' + (
        f' dir="{escape(direction)}">' if direction != "ltr" else ">")
    return "\n".join([
        "<!DOCTYPE html>", opening, "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>", f"<style>{CSS}</style>",
        "</head>", "<body>", "<header>", f"<h1>{escape(heading)}</h1>",
        f'<p class="sub">{sub}</p>',
        "</header>", "<main>",  # landmarks: a screen reader can jump to the report
        *sections,
        "</main>",
        "<footer>" + "".join(f"<p>{escape(n)}</p>" for n in notes) + "</footer>",
        "</body>", "</html>"])


def section_open(heading: str) -> str:
    """The start of a section, with its heading (text, escaped here)."""
    return f"<section><h2>{escape(heading)}</h2>"


def card(label: str, value: str, help_text: str, change: str | None = None) -> str:
    """A headline figure (all text, escaped here)."""
    return (f'<div class="card"><div class="label">{escape(label)}</div>'
            f'<div class="value">{escape(value)}</div>'
            + ("" if change is None else f'<div class="change">{escape(change)}</div>')
            + f'<div class="help">{escape(help_text)}</div></div>')


def table(records: Iterable[Mapping[str, Any]], columns: Mapping[str, str],
          numeric: Iterable[str], fmt: Mapping[str, Callable[[Any], str]] | None = None) -> str:
    """An HTML table of ``records`` (one row each, bold where ``is_total`` is true):
    ``columns`` maps each record key to its heading; ``numeric`` columns align right."""
    fmt = fmt or {}
    numeric = set(numeric)
    head = "".join(f'<th class="{"n" if c in numeric else ""}" scope="col">{escape(t)}</th>'
                   for c, t in columns.items())
    body = []
    for rec in records:
        cls = ' class="total"' if rec.get("is_total") else ""
        cells = "".join(
            f'<td class="{"n" if c in numeric else ""}">'
            f"{escape(fmt[c](rec[c]) if c in fmt else blank(rec[c]))}</td>" for c in columns)
        body.append(f"<tr{cls}>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def highlight(meta: str, text: str) -> str:
    """A shared action: ``meta`` (who, when, what; HTML) over its text (escaped here)."""
    return (f'<div class="highlight"><div class="meta">{meta}</div>'
            f'<div class="text">{escape(text)}</div></div>')


def points_section(title: str, points: Iterable[str], *, compact: bool = False) -> str:
    """A section holding a list of plain sentences (``compact``: in the notes' smaller
    type, for a section that must not push the printed meeting part over a page)."""
    items = "".join(f"<li>{escape(p)}</li>" for p in points)
    kind = ' class="notes"' if compact else ""
    return f"<section><h2>{escape(title)}</h2><ul{kind}>{items}</ul></section>"


def questions_section(questions: Iterable[PracticeQuestion],
                      heading: str = "For the meeting: the practice questions") -> str:
    """The handout's practice questions, for the meeting, under ``heading`` (text)."""
    items = "".join(f"<li><strong>{escape(q.title)}.</strong> {escape(q.text)}</li>"
                    for q in questions)
    return (f"<section><h2>{escape(heading)}</h2>"
            f'<ol class="questions">{items}</ol></section>')


# --- charts ---------------------------------------------------------------------------------

def drawn_spec(chart: Any) -> dict[str, Any]:
    """The spec of a chart (prepared, or an Altair chart) as the HTML file draws it."""
    return _fixed_width(progress_charts.spec(chart), CHART_WIDTH)


def figure(chart: Any, n: int, caption: str, label: str | None = None) -> str:
    """The ``n``-th chart of a report as a figure: inline SVG named by ``label`` (else the
    chart's description), and its caption."""
    return svg_figure(svg(chart, n), label or progress_charts.description(chart), caption)


def svg_figure(drawn: str, label: str, caption: str) -> str:
    """Inline SVG (already drawn) as a figure named ``label``, with its caption."""
    return (f'<figure role="group" aria-label="{escape(label)}">'
            f"{drawn}<figcaption>{escape(caption)}</figcaption></figure>")


def svg(chart: Any, n: int) -> str:
    """A chart (prepared, or an Altair chart) as inline SVG, rendered offline by
    vl-convert (:func:`allyship.charts.svg_render.to_svg`)."""
    from allyship.charts import svg_render

    drawn = svg_render.to_svg(drawn_spec(chart))
    # Several SVGs share one document: give each its own ids (gradients, clip paths).
    ids = set(re.findall(r'\bid="([^"]+)"', drawn))
    for ident in sorted(ids, key=len, reverse=True):
        new = f"c{n}-{ident}"
        drawn = drawn.replace(f'id="{ident}"', f'id="{new}"').replace(f"url(#{ident})",
                                                                      f"url(#{new})")
        drawn = drawn.replace(f'href="#{ident}"', f'href="#{new}"')
    return drawn


def _fixed_width(spec: Any, width: int) -> Any:
    """``width="container"`` only means something in a browser page; give a number."""
    if isinstance(spec, dict):
        return {k: (width if k == "width" and v == "container" else _fixed_width(v, width))
                for k, v in spec.items()}
    if isinstance(spec, list):
        return [_fixed_width(v, width) for v in spec]
    return spec


# --- formats --------------------------------------------------------------------------------

def render(report: Report, fmt: str, *, html: Callable[[Report], str],
           md: Callable[[Report], str], csv: Callable[[Report], bytes]) -> bytes:
    """``report`` in ``fmt`` (``html``, ``md`` or ``csv``), by the writer given for it,
    as bytes to save."""
    if fmt == "html":
        return html(report).encode("utf-8")
    if fmt == "md":
        return md(report).encode("utf-8")
    if fmt == "csv":
        return csv(report)
    raise ValueError(f"unknown report format {fmt!r}; choose html, md or csv")


def file_name(kind: str, scope: str | None, dates: tuple[date, date], fmt: str, *,
              unnamed: str) -> str:
    """A file name like ``chapter-report-team-a-2026-07-01-to-2026-09-30.html``: ``scope``
    (``None`` for the whole) made safe, or ``unnamed`` when nothing of it is."""
    part = "" if scope is None else "-" + (
        re.sub(r"[^a-z0-9]+", "-", scope.lower()).strip("-") or unnamed)
    return f"{kind}{part}-{dates[0].isoformat()}-to-{dates[1].isoformat()}.{FORMATS[fmt][0]}"
