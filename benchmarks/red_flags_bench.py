"""Benchmark f2l_red_flags: render and submit latency, and the weight of the learner page's JS+CSS.

Run alone: python benchmarks/red_flags_bench.py [REPEAT]   (in an environment with the package and XBlock)

Each request gets a fresh block instance from the runtime, as the LMS builds one per request (the parsed content
stays cached in the process, as it does in a worker). Times are the median and the interquartile range in ms.
"""

from __future__ import annotations

import gzip
import importlib.resources
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402

django.setup()

from webob import Request  # noqa: E402
from xblock.runtime import NullI18nService  # noqa: E402
from xblock.test.toy_runtime import ToyRuntime  # noqa: E402

LEARNER_ASSETS = ["common/static/js/free2link.js", "red_flags/static/js/red_flags.js",
                  "common/static/css/parts.css", "red_flags/static/css/red_flags.css"]
BUDGET_GZ = 12 * 1024
EXAMPLE = Path(__file__).resolve().parent.parent / "free2link_xblocks/red_flags/workbench/10_hostess_advert.xml"


def long_text(paragraphs: int) -> str:
    """A text of ``paragraphs`` paragraphs of four clauses each, one of them a red flag."""
    body = "".join(f'<p>Clause one of {n}, clause two. <flag id="f{n}">Pay 3,000 euro now!</flag> Last one.</p>'
                   for n in range(paragraphs))
    feedback = "".join(f'<feedback for="f{n}" strength="medium">Why {n}.</feedback>' for n in range(paragraphs))
    return f'<f2l_red_flags><prompt>Select.</prompt><text>{body}</text>{feedback}</f2l_red_flags>'


def runtime_for(user: str) -> ToyRuntime:
    runtime = ToyRuntime(user)
    runtime._services["i18n"] = NullI18nService()
    return runtime


def post(runtime, block, handler, payload):
    request = Request.blank("/", method="POST", body=json.dumps({**payload, "seq": block.action_seq}).encode())
    response = runtime.handle(block, handler, request)
    assert response.status_int == 200, response.body
    return response


def spread(samples: list[float]) -> str:
    q1, median, q3 = statistics.quantiles(samples, n=4)
    return f"median {median:.2f} ms, IQR {q1:.2f}-{q3:.2f} ms"


def bench(xml: str, repeat: int) -> tuple[str, str, int]:
    runtime = runtime_for("bench")
    usage_id = runtime.parse_xml_string(xml)
    block = runtime.get_block(usage_id)
    block.max_attempts = 0  # as many answers as the benchmark sends
    block.save()
    units = len(block.model.units)
    selection = list(range(0, units, 3))
    render, submit = [], []
    for _ in range(repeat):
        block = runtime.get_block(usage_id)
        start = time.perf_counter()
        runtime.render(block, "student_view")
        render.append((time.perf_counter() - start) * 1000)
        block = runtime.get_block(usage_id)
        start = time.perf_counter()
        post(runtime, block, "submit", {"selected": selection, "version": block.version})
        submit.append((time.perf_counter() - start) * 1000)
        post(runtime, runtime.get_block(usage_id), "reset", {})
    return spread(render), spread(submit), units


def learner_weight() -> int:
    package = importlib.resources.files("free2link_xblocks")
    return len(gzip.compress(b"".join(package.joinpath(path).read_bytes() for path in LEARNER_ASSETS), 9))


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    for name, xml in (("workbench example (hostess advert)", EXAMPLE.read_text(encoding="utf-8")),
                      ("long text, 50 paragraphs", long_text(50))):
        render, submit, units = bench(xml, repeat)
        print(f"{name}, {units} selectable units, {repeat} requests each, fresh block per request:")
        print(f"  render student_view: {render}")
        print(f"  submit:              {submit}")
    weight = learner_weight()
    print(f"learner JS+CSS (free2link.js, red_flags.js, parts.css, red_flags.css), gzip -9 together: {weight} bytes "
          f"(budget {BUDGET_GZ}: {'OK' if weight <= BUDGET_GZ else 'OVER'})")


if __name__ == "__main__":
    main()
