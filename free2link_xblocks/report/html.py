"""``report.html``: one self-contained page (inline CSS and SVG, no script) that prints well and
reads on a 320 px phone. Real tables with captions and header scopes; every value is escaped."""

from __future__ import annotations

import itertools
import re
from html import escape

from .charts import bar_chart, percent
from .tables import COUNT, GRADE, SHARE, STATUS, STATUS_KEYS, TEXT, Table, stage_label

MAX_PROBLEMS_SHOWN = 200
TIMELINE_BARS = 60  # bars in the completion-over-time chart (its table has every figure)
MATRIX_SHOWN = 500  # learners in the page's matrix; learners.csv has them all
STATUS_MARKS = {"status_completed": "✓", "status_started": "◐", "status_not_started": "○", "status_none": "–"}
STATUS_CLASSES = {"status_completed": "done", "status_started": "doing", "status_not_started": "todo",
                  "status_none": "none"}

CSS = """
:root{--ink:#1b1b1b;--muted:#4a4a4a;--line:#c8c8c8;--accent:#1d4f7a;--soft:#eef3f8}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--ink);
background:#fff}
.skip{position:absolute;left:-9999px}.skip:focus{left:.5rem;top:.5rem;background:#fff;padding:.25rem .5rem;z-index:1}
header,main,nav{max-width:72rem;margin:0 auto;padding:0 1rem}
header{padding-top:1rem}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.3rem;margin:2rem 0 .5rem;border-bottom:2px solid var(--accent)}
p{max-width:48rem}.note{color:var(--muted)}
a{color:var(--accent)}a:focus,.scroll:focus{outline:3px solid #b35c00;outline-offset:2px}
nav ul{display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;list-style:none}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(9rem,1fr));gap:.5rem;margin:0}
.figures div{border:1px solid var(--line);border-radius:6px;padding:.5rem .75rem;background:var(--soft)}
.figures dt{font-size:.9rem;color:var(--muted)}.figures dd{margin:0;font-size:1.5rem;font-weight:700}
.scroll{overflow-x:auto;max-width:100%;margin:.5rem 0 1rem}
table{border-collapse:collapse;font-size:.92rem}
caption{text-align:left;font-weight:700;padding:.25rem 0}
th,td{border:1px solid var(--line);padding:.3rem .5rem;text-align:left;vertical-align:top}
thead th{background:var(--soft)}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
section[aria-labelledby=matrix] tbody th,td.st{white-space:nowrap}
td.done{background:#e3f1e5}td.doing{background:#fdf3d8}td.todo{background:#fff}
td.none{color:var(--muted)}
.legend{display:flex;flex-wrap:wrap;gap:.25rem 1rem;padding:0;list-style:none}
figure{margin:.5rem 0;max-width:36rem}
.chart{width:100%;height:auto;display:block}
.chart-label{font-size:11px;fill:#1b1b1b}.chart-value{font-size:10px;fill:#1b1b1b}.chart-bar{fill:#1d4f7a}
code{white-space:nowrap;font-family:ui-monospace,Menlo,Consolas,monospace}
.problems li{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem;overflow-wrap:anywhere}
@media print{nav,.skip{display:none}body{font-size:10pt}.scroll{overflow:visible}h2{break-after:avoid}
figure,tr{break-inside:avoid}thead{display:table-header-group}a{color:inherit}}
"""


def _cell(value, kind: str, text: dict) -> str:
    if kind == STATUS:
        key = STATUS_KEYS.get(value, "status_none")
        return (f'<td class="st {STATUS_CLASSES[key]}"><span aria-hidden="true">{STATUS_MARKS[key]}</span> '
                f'{escape(text[key])}</td>')
    if kind in (SHARE, GRADE):
        return f'<td class="num">{percent(value)}</td>'
    if kind == COUNT:
        return f'<td class="num">{"" if value is None else value}</td>'
    return f"<td>{escape(str(value or ''))}</td>"


def table_html(table: Table, text: dict, rows=None) -> str:
    caption_id = f"{table.name}-caption"
    out = [f'<div class="scroll" role="region" aria-labelledby="{caption_id}" tabindex="0"><table>',
           f'<caption id="{caption_id}">{escape(table.caption)}</caption><thead><tr>']
    out += [f'<th scope="col">{escape(column)}</th>' for column in table.columns]
    out.append("</tr></thead><tbody>")
    for index, row in enumerate(table.rows if rows is None else rows):
        kinds = [TEXT, table.row_kinds[index]] if table.row_kinds else table.kinds
        cells = "".join(_cell(value, kind, text) for value, kind in zip(row[1:], kinds[1:], strict=False))
        out.append(f'<tr><th scope="row">{escape(str(row[0]))}</th>{cells}</tr>')  # one string a row: less memory
    out.append("</tbody></table></div>")
    if table.note:
        out.append(f'<p class="note">{escape(table.note)}</p>')
    return "".join(out)


def _options(escaped: str) -> str:
    """Command-line options in running text as unbreakable ``<code>``."""
    return re.sub(r"(--[a-z][a-z-]*)", r"<code>\1</code>", escaped)


def _section(section_id: str, heading: str, body: str) -> str:
    return f'<section aria-labelledby="{section_id}"><h2 id="{section_id}">{escape(heading)}</h2>{body}</section>'


def _summary(tables, data, text, intro_notes) -> str:
    summary = tables["summary"]
    cards = []
    for (label, value), kind in zip(summary.rows, summary.row_kinds, strict=False):
        shown = percent(value) if kind == GRADE else value
        cards.append(f"<div><dt>{escape(label)}</dt><dd>{escape(str(shown))}</dd></div>")
    notes = "".join(f'<p class="note">{_options(escape(note))}</p>' for note in intro_notes)
    return _section("summary", text["summary"], f'<dl class="figures">{"".join(cards)}</dl>{notes}')


def _funnel(tables, data, text) -> str:
    bars = [(stage_label(key, module, text), count, (count / data.funnel[0][2]) if data.funnel[0][2] else 0.0)
            for key, module, count in data.funnel]
    chart = f'<figure>{bar_chart("funnel-chart", text["funnel_chart"], bars, text["chart_value"])}</figure>'
    return _section("funnel", text["funnel"], chart + table_html(tables["funnel"], text))


def _groups(tables, data, text) -> str:
    body = []
    organisations = data.groups.get("organisation") or []
    if organisations:
        bars = [(g.label or text["not_in_roster"], g.completed, g.completed / g.enrolled if g.enrolled else 0.0)
                for g in organisations]
        body.append(f'<figure>{bar_chart("organisation-chart", text["organisation_chart"], bars, text["chart_value"])}'
                    "</figure>")
    for name in ("by_organisation", "by_country", "by_cohort", "by_run"):
        if name in tables:
            body.append(table_html(tables[name], text))
    if not any(data.groups.get(k) for k in ("organisation", "country", "cohort")):
        body.insert(0, f'<p class="note">{escape(text["no_roster"])}</p>')
    return _section("groups", text["groups"], "".join(body))


def _matrix(tables, data, text) -> str:
    legend = "".join(f'<li><span aria-hidden="true">{STATUS_MARKS[key]}</span> {escape(text[key])}</li>'
                     for key in ("status_completed", "status_started", "status_not_started", "status_none"))
    body = f'<p id="legend-label" class="note">{escape(text["legend"])}</p>' \
           f'<ul class="legend" aria-labelledby="legend-label">{legend}</ul>'
    if not data.modules:
        body += f'<p class="note">{escape(text["no_modules"])}</p>'
    matrix = tables["learners"]
    shown = list(itertools.islice(matrix.rows, MATRIX_SHOWN))
    if len(matrix.rows) > len(shown):
        body += f'<p class="note">{escape(text["matrix_capped"].format(count=len(shown), total=len(matrix.rows)))}</p>'
    return _section("matrix", text["matrix"], body + table_html(matrix, text, rows=shown))


def _timeline(tables, data, text) -> str:
    """Completion per module per date (grade reports of one run taken on different dates); empty without."""
    if not data.timeline:
        return ""
    several = len({run for run, *_rest in data.timeline}) > 1
    bars = []
    for run, date, learners, completed in data.timeline:
        for module, done in zip(data.modules, completed, strict=False):
            if done is not None and learners:
                label = text["timeline_bar"].format(module=module, date=date)
                bars.append((f"{run}: {label}" if several else label, done, done / learners))
    chart = f'<figure>{bar_chart("timeline-chart", text["timeline_chart"], bars[:TIMELINE_BARS], text["chart_value"])}' \
        "</figure>" if bars else ""
    return _section("timeline", text["timeline"], chart + table_html(tables["completion_over_time"], text))


def _ranked(tables, name, heading, chart_title, empty, text) -> str:
    table = tables[name]
    if not table.rows:
        return _section(name, heading, f'<p class="note">{escape(text[empty])}</p>')
    top = table.rows[:10]
    bars = [(f"{row[0]} ({row[1]})", row[2], row[4]) for row in top]
    chart = f'<figure>{bar_chart(f"{name}-chart", chart_title, bars, text["chart_value"])}</figure>'
    return _section(name, heading, chart + table_html(table, text, rows=top))


def _blocks(tables, data, text) -> str:
    if not data.blocks:
        return _section("blocks", text["blocks"], f'<p class="note">{escape(text["no_blocks"])}</p>')
    return _section("blocks", text["blocks"], table_html(tables["blocks"], text))


def _red_flags(tables, data, text) -> str:
    """The red-flag exercises and the red flags the class missed; nothing when the input has no such exercise."""
    if not data.red_flags:
        return ""
    missed = _ranked(tables, "missed_red_flags", text["missed_flags"], text["missed_flags_chart"], "no_missed_flags",
                     text)
    return _section("red_flags", text["red_flags_section"], table_html(tables["red_flags"], text)) + missed


def _inputs(data, text, problem_lines, more_text, csv_files) -> str:
    shown = list(itertools.islice(problem_lines, MAX_PROBLEMS_SHOWN))
    if shown:
        items = "".join(f"<li>{escape(line)}</li>" for line in shown)
        more = f'<p class="note">{escape(more_text)}</p>' if len(problem_lines) > len(shown) else ""
        problems = f'<p>{escape(text["problems_intro"])}</p><ul class="problems">{items}</ul>{more}'
    else:
        problems = f'<p>{escape(text["no_problems"])}</p>'
    files = Table("files", text["files_caption"], [text["file"], text["kind"], text["rows_used"],
                                                   text["rows_skipped"]], [TEXT, TEXT, COUNT, COUNT])
    files.rows = [[f.source, text[f"kind_{f.kind}"] + ("" if f.used else f" ({text['file_unused']})"),
                   f.rows_read, f.rows_skipped] for f in data.files]
    other = f'<p class="note">{escape(text["other_rows"].format(count=data.other_rows))}</p>' if data.other_rows else ""
    downloads = "".join(f"<li><a href=\"{escape(name)}\">{escape(name)}</a></li>" for name in csv_files)
    return (_section("problems", text["problems"], problems)
            + _section("files", text["files"], table_html(files, text) + other
                       + f"<p>{escape(text['downloads'])}</p><ul>{downloads}</ul>"))


def render(tables: dict, data, text: dict, language: str, date: str, notes: list[str], problem_lines: list[str],
           more_text: str, csv_files: list[str]) -> str:
    """The whole page. ``notes`` go under the summary; ``problem_lines`` are already formatted."""
    sections = [
        _summary(tables, data, text, notes), _funnel(tables, data, text), _groups(tables, data, text),
        _matrix(tables, data, text), _timeline(tables, data, text), _blocks(tables, data, text),
        _ranked(tables, "missed_indicators", text["missed"], text["missed_chart"], "no_missed", text),
        _ranked(tables, "harmful_choices", text["harmful"], text["harmful_chart"], "no_harmful", text),
        _red_flags(tables, data, text),
        _inputs(data, text, problem_lines, more_text, csv_files),
    ]
    contents = [("summary", text["summary"]), ("funnel", text["funnel"]),
                ("groups", text["groups"]),
                ("matrix", text["matrix"]), *([("timeline", text["timeline"])] if data.timeline else []),
                ("blocks", text["blocks"]), ("missed_indicators", text["missed"]),
                ("harmful_choices", text["harmful"]),
                *([("red_flags", text["red_flags_section"]), ("missed_red_flags", text["missed_flags"])]
                  if data.red_flags else []),
                ("problems", text["problems"]), ("files", text["files"])]
    nav = "".join(f'<li><a href="#{anchor}">{escape(label)}</a></li>' for anchor, label in contents)
    return (f'<!DOCTYPE html><html lang="{escape(language)}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(text['title'])}</title><style>{CSS}</style></head><body>"
            f'<a class="skip" href="#main">{escape(text["skip"])}</a>'
            f"<header><h1>{escape(text['title'])}</h1><p>{escape(text['made'].format(date=date))}</p></header>"
            f'<nav aria-label="{escape(text["contents"])}"><ul>{nav}</ul></nav>'
            f'<main id="main">{"".join(sections)}</main></body></html>\n')
