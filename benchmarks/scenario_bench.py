"""Benchmark f2l_scenario against branching-xblock: page render and a first choice at 10 and 1,000 steps, the
first render of a 1,000-step scenario in a fresh process, learner page weight.

Run: python benchmarks/scenario_bench.py   (benchmarks/run installs the peer beside ours in .venv-bench)
Both blocks hold the same chain of steps (three choices each), and are measured the same way (common.py).
``--repeat N`` sets the repetitions (default 150).
"""

from __future__ import annotations

import argparse
import importlib.resources
import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path

from common import (
    BenchRuntime,
    Case,
    forget_learner,
    gz_size,
    interleaved,
    machine,
    olx_block,
    post,
    print_comparison,
    print_page_weight,
    render,
    runtime_floor,
    stored_block,
    summary,
)

LEARNER_ASSETS = ["common/static/js/free2link.js", "scenario/static/js/scenario.js", "scenario/static/css/scenario.css",
                  "common/static/css/parts.css"]
SIZES = (10, 1000)
COLD_TARGET_MS = 20.0


def chain_scenario(steps: int) -> str:
    """A scenario of ``steps`` steps, each with a chat, an advert and three choices."""
    parts = [f'<f2l_scenario display_name="Bench {steps}">']
    for i in range(steps):
        nxt = f"s{i + 1}" if i < steps - 1 else "good"
        parts.append(
            f'<step id="s{i}" title="Step {i}"><p>Narrative of step {i} with <em>some</em> text.</p>'
            f'<chat platform="Instagram"><message from="Recruiter" time="21:0{i % 10}">Offer {i}</message>'
            f'<message from="Amira" self="true">Reply {i}</message></chat>'
            + "".join(
                f'<choice next="{target}" points="{points}" quality="{quality}"><label>{quality} {i}</label>'
                f"<feedback>Why {quality} {i}</feedback></choice>"
                for target, points, quality in ((nxt, 2, "good"), (nxt, 1, "partial"), ("poor", 0, "harmful")))
            + "</step>")
    parts.append('<end id="good" title="Good" outcome="good"><p>Debrief</p></end>')
    parts.append('<end id="poor" title="Poor" outcome="poor"><p>Debrief</p></end></f2l_scenario>')
    return "".join(parts)


def branching_data(steps: int) -> dict:
    """The same chain as branching-xblock's ``scenario_data``."""
    from branching_xblock.branching_xblock import _default_node

    nodes = {}
    for i in range(steps):
        nxt = f"s{i + 1}" if i < steps - 1 else "good"
        nodes[f"s{i}"] = _default_node(id=f"s{i}", content=(
            f"<p>Narrative of step {i} with <em>some</em> text.</p><p>Recruiter: Offer {i}</p><p>Amira: Reply {i}</p>"),
            choices=[{"text": f"good {i}", "target_node_id": nxt, "score": 2},
                     {"text": f"partial {i}", "target_node_id": nxt, "score": 1},
                     {"text": f"harmful {i}", "target_node_id": "poor", "score": 0}])
    nodes["good"] = _default_node(id="good", content="<p>Debrief</p>")
    nodes["poor"] = _default_node(id="poor", content="<p>Debrief</p>")
    return {"nodes": nodes, "start_node_id": "s0"}


def ours(runtime, steps: int) -> tuple[Case, Case]:
    usage = olx_block(runtime, chain_scenario(steps))
    body = {"step": "s0", "choice": "c1", "seq": 0}
    render(runtime, usage)  # the learner has opened the page once: renders after the first
    return (Case("f2l_scenario", lambda: render(runtime, usage)),
            Case("f2l_scenario", lambda: post(runtime, usage, "choose", body), prepare=lambda: forget_learner(usage)))


def branching(runtime, steps: int) -> tuple[Case, Case] | None:
    if importlib.util.find_spec("branching_xblock") is None:
        return None
    usage = stored_block(runtime, "branching_xblock", scenario_data=branching_data(steps), enable_scoring=True,
                         display_name=f"Bench {steps}")
    render(runtime, usage)
    first = post(runtime, usage, "select_choice", {"choice_index": 0}).json
    assert first.get("success") is True, first
    forget_learner(usage)
    return (Case("branching-xblock", lambda: render(runtime, usage)),
            Case("branching-xblock", lambda: post(runtime, usage, "select_choice", {"choice_index": 0}),
                 prepare=lambda: forget_learner(usage)))


# ------------------------------------------------------------------ the first render in a fresh process

def cold_child(spec_file: str) -> None:
    """In a fresh process: store the block's fields as the LMS reads them from its database (no parse, nothing
    cached), then time its first render; prints the milliseconds."""
    spec = json.loads(Path(spec_file).read_text())
    runtime = BenchRuntime()
    usage = stored_block(runtime, spec["block_type"], **spec["fields"])
    start = time.perf_counter()
    html = render(runtime, usage)
    elapsed = (time.perf_counter() - start) * 1000
    assert len(html) > 500, html
    print(f"{elapsed:.3f}")


def cold_first_render(block_type: str, fields: dict, runs: int) -> tuple[float, float, float]:
    spec = Path(STORE_SPEC)
    spec.write_text(json.dumps({"block_type": block_type, "fields": fields}))
    samples = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, __file__, "--cold-child", str(spec)], check=True, capture_output=True,
                             text=True).stdout
        samples.append(float(out.strip().splitlines()[-1]))
    spec.unlink()
    return summary(samples)


STORE_SPEC = Path(__file__).resolve().parent.parent / "var" / "cold-render.json"


def stored_fields(runtime, usage) -> dict:
    """The content and settings of a stored block, as a fresh process would read them."""
    from xblock.fields import Scope

    block = runtime.get_block(usage)
    return {name: field.read_json(block) for name, field in block.fields.items()
            if field.scope in (Scope.content, Scope.settings) and field.is_set_on(block)}


def peer_assets() -> list[Path] | None:
    """branching-xblock's learner bundle (what its student_view adds), if installed."""
    if importlib.util.find_spec("branching_xblock") is None:
        return None
    root = Path(importlib.resources.files("branching_xblock"))
    found = [p for p in root.rglob("*") if p.is_file() and p.suffix in (".js", ".css")
             and "studio" not in p.name.lower() and "test" not in str(p).lower()]
    return found or None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=150)
    parser.add_argument("--cold-runs", type=int, default=7)
    parser.add_argument("--cold-child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.cold_child:
        cold_child(args.cold_child)
        return
    runtime = BenchRuntime()
    print(f"f2l_scenario against branching-xblock (XBlock ToyRuntime, a fresh instance per request, "
          f"{args.repeat} interleaved repetitions; {machine()})")
    for steps in SIZES:
        blocks = [b for b in (ours(runtime, steps), branching(runtime, steps)) if b]
        reference = "branching-xblock" if len(blocks) > 1 else "f2l_scenario"
        repeat = args.repeat if steps < 100 else max(args.repeat // 3, 20)
        targets = {"f2l_scenario": (1.0, "<= branching-xblock")} if steps < 100 else None
        print_comparison(f"learner page render, {steps} steps", interleaved([b[0] for b in blocks], repeat),
                         reference, targets)
        print_comparison(f"first choice (choose / select_choice), {steps} steps",
                         interleaved([b[1] for b in blocks], repeat), reference, targets)
    print("\n" + runtime_floor(runtime))

    print(f"\nfirst render in a fresh process, 1,000 steps (content stored, nothing parsed or cached; "
          f"median of {args.cold_runs} processes)")
    STORE_SPEC.parent.mkdir(exist_ok=True)
    cold = {"f2l_scenario": cold_first_render(
        "f2l_scenario", stored_fields(runtime, olx_block(runtime, chain_scenario(1000))), args.cold_runs)}
    if importlib.util.find_spec("branching_xblock") is not None:
        cold["branching-xblock"] = cold_first_render(
            "branching_xblock", {"scenario_data": branching_data(1000), "enable_scoring": True}, args.cold_runs)
    for name, (median, q1, q3) in cold.items():
        line = f"{name:<18}{median:>10.2f} ms  (IQR {q1:.2f}-{q3:.2f})"
        if name == "f2l_scenario":
            line += f"   target < {COLD_TARGET_MS:.0f} ms: {'OK' if median < COLD_TARGET_MS else 'MISSED'}"
        print(line)

    print(f"\n{'steps':>6} {'import ms':>10} {'HTML B':>8} {'HTML gz B':>10}")
    for steps in SIZES:
        start = time.perf_counter()
        usage = olx_block(runtime, chain_scenario(steps))
        import_ms = (time.perf_counter() - start) * 1000
        html = render(runtime, usage)
        print(f"{steps:>6} {import_ms:>10.1f} {len(html.encode()):>8} {gz_size(html):>10}")
    package = Path(importlib.resources.files("free2link_xblocks"))
    print_page_weight([package / f for f in LEARNER_ASSETS], peer_assets(), "branching-xblock", "branching-xblock")


if __name__ == "__main__":
    main()
