"""Benchmark f2l_scenario: render and handler latency (10 and 1,000 steps) and learner page weight.

Run: python benchmarks/scenario_bench.py   (in an environment with the package and XBlock installed)
Prints a table; compares page weight with branching-xblock when that peer is installed
(pip install branching-xblock) in the same environment.
"""

from __future__ import annotations

import importlib.resources
import importlib.util
import time
from pathlib import Path

from common import call, gz_size, print_page_weight, timed, toy_runtime

LEARNER_ASSETS = ["common/static/js/free2link.js", "scenario/static/js/scenario.js", "scenario/static/css/scenario.css",
                  "common/static/css/parts.css"]


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




def bench_scenario(steps: int, repeat: int) -> dict:
    runtime = toy_runtime("bench")
    xml = chain_scenario(steps)
    start = time.perf_counter()
    usage = runtime.parse_xml_string(xml)
    import_ms = (time.perf_counter() - start) * 1000
    block = runtime.get_block(usage)
    first_html = runtime.render(block, "student_view").content
    render_ms = timed(lambda: runtime.render(block, "student_view"), repeat)

    def one_move():
        step = block.node_id
        call(runtime, block, "choose", {"step": step, "choice": "c1"})
        call(runtime, block, "proceed", {})

    move_ms = timed(one_move, min(repeat, steps - 1))
    return {"steps": steps, "import_ms": import_ms, "render_ms": render_ms, "move_ms": move_ms,
            "html_bytes": len(first_html.encode()), "html_gz": gz_size(first_html)}


def bench_peer(steps: int, repeat: int) -> dict | None:
    """branching-xblock on the same chain (3 choices a node), if installed: render and one choice."""
    if importlib.util.find_spec("branching_xblock") is None:
        return None
    runtime = toy_runtime("peer")
    block = runtime.get_block(runtime.parse_xml_string("<branching_xblock/>"))
    nodes = {}
    for i in range(steps):
        nxt = f"s{i + 1}" if i < steps - 1 else "good"
        nodes[f"s{i}"] = {"id": f"s{i}", "content": f"<p>Narrative of step {i}</p>", "choices": [
            {"text": f"good {i}", "target_node_id": nxt, "score": 2},
            {"text": f"partial {i}", "target_node_id": nxt, "score": 1},
            {"text": f"harmful {i}", "target_node_id": "poor", "score": 0}]}
    nodes["good"] = {"id": "good", "content": "<p>Debrief</p>", "choices": []}
    nodes["poor"] = {"id": "poor", "content": "<p>Debrief</p>", "choices": []}
    block.scenario_data = {"nodes": nodes, "start_node_id": "s0"}
    block.enable_scoring = True
    block.save()
    render_ms = timed(lambda: runtime.render(block, "student_view"), repeat)
    move_ms = timed(lambda: call(runtime, block, "select_choice", {"choice_index": 0}), min(repeat, steps - 1))
    return {"steps": steps, "render_ms": render_ms, "move_ms": move_ms}



def peer_assets() -> list[Path] | None:
    """branching-xblock's learner bundle (what its student_view adds), if installed."""
    if importlib.util.find_spec("branching_xblock") is None:
        return None
    root = Path(importlib.resources.files("branching_xblock"))
    found = [p for p in root.rglob("*") if p.is_file() and p.suffix in (".js", ".css")
             and "studio" not in p.name.lower() and "test" not in str(p).lower()]
    return found or None


def main() -> None:
    print("f2l_scenario benchmark (ToyRuntime, median of repeated runs)")
    print(f"{'steps':>6} {'import ms':>10} {'render ms':>10} {'choose+continue ms':>19} {'HTML B':>8} {'HTML gz B':>10}")
    for steps, repeat in ((10, 200), (1000, 50)):
        r = bench_scenario(steps, repeat)
        print(f"{r['steps']:>6} {r['import_ms']:>10.1f} {r['render_ms']:>10.2f} {r['move_ms']:>19.2f} "
              f"{r['html_bytes']:>8} {r['html_gz']:>10}")
    for steps, repeat in ((10, 200), (1000, 50)):
        peer = bench_peer(steps, repeat)
        if peer:
            print(f"{'peer':>6} branching-xblock, {steps} steps: render {peer['render_ms']:.2f} ms (a mount point; "
                  f"its JS renders in the browser), one choice {peer['move_ms']:.2f} ms")
    package = Path(importlib.resources.files("free2link_xblocks"))
    print_page_weight([package / f for f in LEARNER_ASSETS], peer_assets(), "branching-xblock", "branching-xblock")

if __name__ == "__main__":
    main()
