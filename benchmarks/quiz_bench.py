"""Benchmark f2l_indicator_quiz: render, submit, report and validation throughput, learner page weight.

Run: python benchmarks/quiz_bench.py   (in an environment with the package and XBlock installed)
Compares with Problem Builder's multiple-response question (pb-mrq, the closest Open edX peer) when
xblock-problem-builder is installed in the same environment.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import time
from collections import namedtuple
from pathlib import Path

from common import call, gz_size, print_page_weight, timed, toy_runtime

from free2link_xblocks.core.markup import parse_xml
from free2link_xblocks.core.quiz import parse_quiz_element

LEARNER_ASSETS = ["common/static/js/free2link.js", "indicator_quiz/static/js/quiz.js",
                  "indicator_quiz/static/css/quiz.css", "common/static/css/parts.css"]
UserState = namedtuple("UserState", "username block_key state updated scope")


def quiz_xml(indicators: int) -> str:
    case = ('<case><p>A short case.</p><advert source="Facebook" title="Hostesses wanted"><p>3,000 EUR.</p></advert>'
            '<chat platform="WhatsApp"><message from="Agency">Send your passport.</message></chat></case>')
    items = "".join(
        f'<indicator id="i{n}" present="{"true" if n % 2 else "false"}" strength="medium">'
        f"<label>Indicator {n} label text</label><feedback>Why indicator {n} is or is not present.</feedback>"
        "</indicator>" for n in range(indicators))
    return f'<f2l_indicator_quiz display_name="Bench" shuffle="true">{case}<prompt>Which?</prompt>{items}' \
           f"<explanation><p>Debrief.</p></explanation></f2l_indicator_quiz>"


def bench_quiz(indicators: int, repeat: int) -> dict:
    runtime = toy_runtime("bench")
    block = runtime.get_block(runtime.parse_xml_string(quiz_xml(indicators)))
    first_html = runtime.render(block, "student_view").content
    render_ms = timed(lambda: runtime.render(block, "student_view"), repeat)
    answer = [f"i{n}" for n in range(1, indicators, 2)]

    def submit_and_retry():
        call(runtime, block, "submit", {"selected": answer})
        call(runtime, block, "reset", {})

    cycle_ms = timed(submit_and_retry, repeat)
    result_html = call(runtime, block, "submit", {"selected": answer}).json["html"]
    state = {"attempts": 1, "best_earned": indicators, "answers": [answer[:-1]], "selected": answer[:-1]}
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
    validate_rate = count / (time.perf_counter() - start)
    return {"n": indicators, "render_ms": render_ms, "cycle_ms": cycle_ms, "html_gz": gz_size(first_html),
            "result_gz": gz_size(result_html), "report_rate": report_rate, "validate_rate": validate_rate}


def bench_peer(choices: int, repeat: int) -> dict | None:
    """Problem Builder with one pb-mrq of the same size: render, and submit (its answer is checked too)."""
    if importlib.util.find_spec("problem_builder") is None:
        return None
    runtime = toy_runtime("peer")
    required = [f"i{n}" for n in range(1, choices, 2)]
    items = "".join(f'<pb-choice value="i{n}">Indicator {n} label text</pb-choice>'
                    f"<pb-tip values='[\"i{n}\"]'>Why indicator {n} is or is not present.</pb-tip>"
                    for n in range(choices))
    required_json = "[" + ",".join(f'"{r}"' for r in required) + "]"
    xml = (f'<problem-builder display_name="Bench"><pb-mrq name="mrq" question="Which?" '
           f"required_choices='{required_json}'>{items}</pb-mrq></problem-builder>")
    block = runtime.get_block(runtime.parse_xml_string(xml))
    first_html = runtime.render(block, "student_view", {}).content
    render_ms = timed(lambda: runtime.render(block, "student_view", {}), repeat)
    submit_ms = timed(lambda: call(runtime, block, "submit", {"mrq": required}), repeat)
    return {"render_ms": render_ms, "submit_ms": submit_ms, "html_gz": gz_size(first_html)}


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
    print("f2l_indicator_quiz benchmark (ToyRuntime, median of repeated runs)")
    print(f"{'indicators':>10} {'render ms':>10} {'submit+retry ms':>16} {'form gz B':>10} {'result gz B':>12} "
          f"{'report rows/s':>14} {'validate quizzes/s':>19}")
    for indicators, repeat in ((8, 200), (40, 100)):
        r = bench_quiz(indicators, repeat)
        print(f"{r['n']:>10} {r['render_ms']:>10.2f} {r['cycle_ms']:>16.2f} {r['html_gz']:>10} {r['result_gz']:>12} "
              f"{r['report_rate']:>14,.0f} {r['validate_rate']:>19,.0f}")
    for choices, repeat in ((8, 100), (40, 50)):
        peer = bench_peer(choices, repeat)
        if peer:
            print(f"{'peer':>10} Problem Builder pb-mrq, {choices} choices: render {peer['render_ms']:.2f} ms, "
                  f"submit {peer['submit_ms']:.2f} ms, HTML {peer['html_gz']} B gz")
    package = Path(importlib.resources.files("free2link_xblocks"))
    print_page_weight([package / f for f in LEARNER_ASSETS], peer_assets(), "Problem Builder", "xblock-problem-builder")

if __name__ == "__main__":
    main()
