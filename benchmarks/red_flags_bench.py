"""Benchmark f2l_red_flags against the peer a course team would otherwise use: a learner's first answer and the
page render, on the workbench's hostess advert and on a long text; the learner page's weight.

Run: python benchmarks/red_flags_bench.py   (benchmarks/run installs the peers beside ours in .venv-bench)
Measured as every block benchmark (common.py): a fresh instance per request from stored field data, the aside
scan left out, interleaved repetitions, medians with IQR and the ratio per row.

The peer is CAPA (xblocks-contrib's ProblemBlock) as a ``choiceresponse`` checkbox with one choice per clause
of the same text and the same answer key: what "tick the phrases that are red flags" is without our block
(no Open edX block marks phrases in a text). ``--repeat N`` sets the repetitions (default 150).
"""

from __future__ import annotations

import argparse
import importlib.resources
import importlib.util
from pathlib import Path

from common import (
    TARGET_GZ,
    BenchRuntime,
    Case,
    asset_weight,
    forget_learner,
    gz_size,
    interleaved,
    machine,
    olx_block,
    post,
    print_comparison,
    render,
    stored_block,
)

LEARNER_ASSETS = ["common/static/js/free2link.js", "red_flags/static/js/red_flags.js",
                  "common/static/css/parts.css", "red_flags/static/css/red_flags.css"]
EXAMPLE = Path(__file__).resolve().parent.parent / "free2link_xblocks/red_flags/workbench/10_hostess_advert.xml"


def long_text(paragraphs: int) -> str:
    """A text of ``paragraphs`` paragraphs of four clauses each, one of them a red flag."""
    body = "".join(f'<p>Clause one of {n}, clause two. <flag id="f{n}">Pay 3,000 euro now!</flag> Last one.</p>'
                   for n in range(paragraphs))
    feedback = "".join(f'<feedback for="f{n}" strength="medium">Why {n}.</feedback>' for n in range(paragraphs))
    return f"<f2l_red_flags><prompt>Select.</prompt><text>{body}</text>{feedback}</f2l_red_flags>"


def answer(model) -> list[int]:
    """Every red flag's first clause but the last flag's, and one clause that is not a red flag: every verdict."""
    flagged = [mark.units[0] for mark in model.marks if mark.kind == "flag"]
    owned = {u for mark in model.marks if mark.kind == "flag" for u in mark.units}
    other = next(u for u in range(len(model.units)) if u not in owned)
    return flagged[:-1] + [other]


def ours(runtime, xml: str) -> tuple[Case, Case, object]:
    usage = olx_block(runtime, xml)
    block = runtime.get_block(usage)
    block.max_attempts = 0
    block.save()
    model = runtime.get_block(usage).model
    body = {"selected": answer(model), "seq": 0}
    return (Case("f2l_red_flags", lambda: render(runtime, usage)),
            Case("f2l_red_flags", lambda: post(runtime, usage, "submit", body), prepare=lambda: forget_learner(usage)),
            model)


def capa(runtime, model) -> tuple[Case, Case] | None:
    if importlib.util.find_spec("xblocks_contrib") is None:
        return None
    from xml.sax.saxutils import escape

    owned = {u for mark in model.marks if mark.kind == "flag" for u in mark.units}
    choices = "".join(f'<choice correct="{"true" if n in owned else "false"}">{escape(unit)}'
                      f"<choicehint>Why this clause is or is not a red flag.</choicehint></choice>"
                      for n, unit in enumerate(u.text for u in model.units))
    data = (f"<problem><choiceresponse><label>Select.</label><checkboxgroup>{choices}</checkboxgroup>"
            f"</choiceresponse><solution><p>Debrief.</p></solution></problem>")
    usage = stored_block(runtime, "_problem_extracted", data=data, display_name="Bench", max_attempts=None,
                         show_correctness="always")
    name = f"input_{usage.html_id()}_2_1"
    form = "&".join(f"{name}[]=choice_{n}" for n in answer(model))
    first = post(runtime, usage, "xmodule_handler", suffix="problem_check", form=form).json
    assert first.get("current_score") is not None, first
    forget_learner(usage)
    return (Case("CAPA checkbox", lambda: render(runtime, usage)),
            Case("CAPA checkbox", lambda: post(runtime, usage, "xmodule_handler", suffix="problem_check", form=form),
                 prepare=lambda: forget_learner(usage)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=150)
    repeat = parser.parse_args().repeat
    runtime = BenchRuntime()
    print(f"f2l_red_flags against CAPA (XBlock ToyRuntime, a fresh instance per request, {repeat} interleaved "
          f"repetitions; {machine()})")
    for title, xml in (("workbench example (hostess advert)", EXAMPLE.read_text(encoding="utf-8")),
                       ("long text, 50 paragraphs", long_text(50))):
        page, submit, model = ours(runtime, xml)
        peer = capa(runtime, model)
        cases = [(page, submit)] + ([peer] if peer else [])
        reference = "CAPA checkbox" if peer else "f2l_red_flags"
        answers = interleaved([c[1] for c in cases], repeat)
        print_comparison(f"first answer (submit / problem_check), {title}: {len(model.units)} clauses", answers,
                         reference)
        pages = interleaved([c[0] for c in cases], max(repeat // 3, 20))
        print_comparison(f"learner page render, {title}", pages, reference)
        print(f"  learner page HTML, gzip -9: {gz_size(render(runtime, runtime.parse_xml_string(xml)))} B")
    package = Path(importlib.resources.files("free2link_xblocks"))
    raw, gz = asset_weight([package / f for f in LEARNER_ASSETS])
    print(f"\nlearner JS+CSS: {raw} B raw, {gz} B gzip -9 (target <= {TARGET_GZ} B): "
          f"{'OK' if gz <= TARGET_GZ else 'OVER TARGET'} (no Open edX peer marks phrases in a text)")


if __name__ == "__main__":
    main()
