"""Benchmark f2l_indicator_quiz against its peers: a learner's first answer and the page render, at 8 and 40
options; report and validation throughput; learner page weight.

Run: python benchmarks/quiz_bench.py   (benchmarks/run installs the peers beside ours in .venv-bench)
Peers, when installed, at the same size and measured the same way (common.py):

- CAPA, the platform's problem (xblocks-contrib's ProblemBlock): a ``choiceresponse`` checkbox with the same
  options and the same answer key, its ``problem_check``;
- Drag and Drop v2 in assessment mode, one item an option and two zones (present, not present), every item
  placed: its ``do_attempt``, which checks them all;
- Poll (xblock-poll) with as many answers: its ``vote`` (one choice, nothing to mark: a floor).

``--repeat N`` sets the repetitions (default 150).
"""

from __future__ import annotations

import argparse
import copy
import importlib.resources
import importlib.util
import time
from collections import namedtuple
from pathlib import Path

from common import (
    STORE,
    BenchRuntime,
    Case,
    forget_learner,
    gz_size,
    interleaved,
    learner_key,
    machine,
    olx_block,
    post,
    print_comparison,
    print_page_weight,
    render,
    runtime_floor,
    stored_block,
)

from free2link_xblocks.core.markup import parse_xml
from free2link_xblocks.core.quiz import parse_quiz_element

LEARNER_ASSETS = ["common/static/js/free2link.js", "indicator_quiz/static/js/quiz.js",
                  "indicator_quiz/static/css/quiz.css", "common/static/css/parts.css"]
UserState = namedtuple("UserState", "username block_key state updated scope")
SIZES = (8, 40)


def present(n: int) -> bool:
    return n % 2 == 1


def quiz_xml(indicators: int) -> str:
    case = ('<case><p>A short case.</p><advert source="Facebook" title="Hostesses wanted"><p>3,000 EUR.</p></advert>'
            '<chat platform="WhatsApp"><message from="Agency">Send your passport.</message></chat></case>')
    items = "".join(
        f'<indicator id="i{n}" present="{"true" if present(n) else "false"}" strength="medium">'
        f"<label>Indicator {n} label text</label><feedback>Why indicator {n} is or is not present.</feedback>"
        "</indicator>" for n in range(indicators))
    return f'<f2l_indicator_quiz display_name="Bench" shuffle="true">{case}<prompt>Which?</prompt>{items}' \
           f"<explanation><p>Debrief.</p></explanation></f2l_indicator_quiz>"


def answer(indicators: int) -> list[str]:
    """A learner's answer with one indicator missed, so that feedback covers every verdict."""
    return [f"i{n}" for n in range(indicators) if present(n)][:-1] + ["i0"]


# ------------------------------------------------------------------ the blocks

def ours(runtime, indicators: int) -> tuple[Case, Case]:
    usage = olx_block(runtime, quiz_xml(indicators))
    body = {"selected": answer(indicators), "seq": 0}
    return (Case("f2l_indicator_quiz", lambda: render(runtime, usage)),
            Case("f2l_indicator_quiz", lambda: post(runtime, usage, "submit", body),
                 prepare=lambda: forget_learner(usage)))


def capa(runtime, indicators: int) -> tuple[Case, Case] | None:
    if importlib.util.find_spec("xblocks_contrib") is None:
        return None
    choices = "".join(f'<choice correct="{"true" if present(n) else "false"}">Indicator {n} label text'
                      f"<choicehint>Why indicator {n} is or is not present.</choicehint></choice>"
                      for n in range(indicators))
    data = (f'<problem><p>A short case.</p><choiceresponse><label>Which?</label><checkboxgroup>{choices}'
            f"</checkboxgroup></choiceresponse><solution><p>Debrief.</p></solution></problem>")
    usage = stored_block(runtime, "_problem_extracted", data=data, display_name="Bench", max_attempts=None,
                         show_correctness="always")
    input_name = f"input_{usage.html_id()}_2_1"
    ticks = {f"i{n}": f"choice_{n}" for n in range(indicators)}
    form = "&".join(f"{input_name}[]={ticks[i]}" for i in answer(indicators))
    first = post(runtime, usage, "xmodule_handler", suffix="problem_check", form=form).json
    assert first.get("success") == "incorrect" and first.get("current_score") is not None, first
    forget_learner(usage)
    return (Case("CAPA checkbox", lambda: render(runtime, usage)),
            Case("CAPA checkbox", lambda: post(runtime, usage, "xmodule_handler", suffix="problem_check",
                                               form=form), prepare=lambda: forget_learner(usage)))


def drag_and_drop(runtime, indicators: int) -> tuple[Case, Case] | None:
    if importlib.util.find_spec("drag_and_drop_v2") is None:
        return None
    zones = [{"uid": uid, "title": title, "description": title, "x": x, "y": 10, "width": 200, "height": 200,
              "align": "center"} for uid, title, x in (("yes", "Present", 10), ("no", "Not present", 220))]
    items = [{"displayName": f"Indicator {n} label text", "id": n, "imageURL": "", "zones": ["yes" if present(n) else "no"],
              "feedback": {"correct": f"Why indicator {n} is present.", "incorrect": f"Why indicator {n} is not."}}
             for n in range(indicators)]
    data = {"zones": zones, "items": items, "feedback": {"start": "Place each.", "finish": "Debrief."},
            "targetImgDescription": "Two zones", "displayLabels": False}
    usage = stored_block(runtime, "drag-and-drop-v2", data=data, mode="assessment", max_attempts=0,
                         display_name="Bench")
    chosen = set(answer(indicators))
    for n in range(indicators):  # every item placed, as the learner's answer says
        post(runtime, usage, "drop_item", {"val": n, "zone": "yes" if f"i{n}" in chosen else "no"})
    placed = copy.deepcopy(STORE.db_dict[learner_key(usage)])
    assert len(placed["item_state"]) == indicators

    def restore():
        STORE.db_dict[learner_key(usage)] = copy.deepcopy(placed)

    return (Case("Drag and Drop v2", lambda: render(runtime, usage)),
            Case("Drag and Drop v2", lambda: post(runtime, usage, "do_attempt", {}), prepare=restore))


def poll(runtime, indicators: int) -> tuple[Case, Case] | None:
    if importlib.util.find_spec("poll") is None:
        return None
    answers = [[f"a{n}", {"label": f"Indicator {n} label text", "img": None, "img_alt": None}]
               for n in range(indicators)]
    usage = stored_block(runtime, "poll", answers=answers, question="Which?", display_name="Bench",
                         tally={f"a{n}": 0 for n in range(indicators)})
    return (Case("Poll", lambda: render(runtime, usage)),
            Case("Poll", lambda: post(runtime, usage, "vote", {"choice": "a1"}), prepare=lambda: forget_learner(usage)))


# ------------------------------------------------------------------ throughput of the rest

def throughput(indicators: int) -> tuple[float, float]:
    """Report rows per second (Problem Responses) and quizzes validated per second."""
    runtime = BenchRuntime()
    block = runtime.get_block(olx_block(runtime, quiz_xml(indicators)))
    state = {"attempts": 1, "best_earned": indicators, "answers": [answer(indicators)],
             "selected": answer(indicators)}
    rows = 10_000
    start = time.perf_counter()
    for _ in block.generate_report_data(UserState(f"u{n}", "k", state, None, None) for n in range(rows)):
        pass
    report_rate = rows / (time.perf_counter() - start)
    source = quiz_xml(indicators).encode()
    count = 200
    start = time.perf_counter()
    for _ in range(count):
        parse_quiz_element(parse_xml(source))
    return report_rate, count / (time.perf_counter() - start)


def peer_assets() -> list[Path] | None:
    """Problem Builder's learner files for a page with an MRQ (its student_view adds these)."""
    if importlib.util.find_spec("problem_builder") is None:
        return None
    public = Path(importlib.resources.files("problem_builder")) / "public"
    names = ["css/problem-builder.css", "js/vendor/underscore-min.js", "js/util.js", "js/mentoring_standard_view.js",
             "js/mentoring.js", "css/questionnaire.css", "js/questionnaire.js"]
    found = [public / n for n in names if (public / n).exists()]
    return found or None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=150)
    repeat = parser.parse_args().repeat
    runtime = BenchRuntime()
    print(f"f2l_indicator_quiz against its peers (XBlock ToyRuntime, a fresh instance per request, "
          f"{repeat} interleaved repetitions; {machine()})")
    for indicators in SIZES:
        blocks = [b for b in (ours(runtime, indicators), capa(runtime, indicators),
                              drag_and_drop(runtime, indicators), poll(runtime, indicators)) if b]
        submit = interleaved([b[1] for b in blocks], repeat)
        targets = {"f2l_indicator_quiz": (0.2, "<= 0.2x CAPA")}
        print_comparison(f"first answer (submit / problem_check / do_attempt / vote), {indicators} options", submit,
                         "CAPA checkbox" if "CAPA checkbox" in submit else "f2l_indicator_quiz", targets)
        if "Drag and Drop v2" in submit:
            ratio = submit["f2l_indicator_quiz"][0] / submit["Drag and Drop v2"][0]
            print(f"  f2l_indicator_quiz vs Drag and Drop v2: {ratio:.2f}x   target < 1x: "
                  f"{'OK' if ratio < 1 else 'MISSED'}")
        pages = interleaved([b[0] for b in blocks], max(repeat // 3, 20))
        print_comparison(f"learner page render, {indicators} options", pages,
                         "CAPA checkbox" if "CAPA checkbox" in pages else "f2l_indicator_quiz")
    print("\n" + runtime_floor(runtime))
    print(f"\n{'options':>8} {'form gz B':>10} {'report rows/s':>14} {'validate quizzes/s':>19}")
    for indicators in SIZES:
        usage = olx_block(runtime, quiz_xml(indicators))
        report_rate, validate_rate = throughput(indicators)
        print(f"{indicators:>8} {gz_size(render(runtime, usage)):>10} {report_rate:>14,.0f} {validate_rate:>19,.0f}")
    package = Path(importlib.resources.files("free2link_xblocks"))
    print_page_weight([package / f for f in LEARNER_ASSETS], peer_assets(), "Problem Builder", "xblock-problem-builder")


if __name__ == "__main__":
    main()
