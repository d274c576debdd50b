"""Every scenario we ship validates cleanly and can be played along every path to an end."""

from pathlib import Path

import pytest

from free2link_xblocks.cli import main as cli
from free2link_xblocks.core.scenario import load_scenario, max_score

from .conftest import RecordingRuntime, load_block

SHIPPED = sorted((Path(__file__).parent.parent / "free2link_xblocks" / "scenario" / "workbench").glob("*.xml"))


def test_there_are_at_least_two_complete_scenarios_plus_the_variants():
    assert len(SHIPPED) >= 4


def test_the_validator_finds_no_error_and_no_warning(capsys):
    assert cli(["validate", *map(str, SHIPPED)]) == 0
    assert capsys.readouterr().out == ""


def paths(scenario, node_id, path, visits, limit=2):
    """Every path (as choice lists) from ``node_id`` to an end, going round each loop at most ``limit`` times."""
    node = scenario.node(node_id)
    if node.is_end:
        yield path
        return
    for choice in node.choices:
        if visits.get((node_id, choice.id), 0) >= limit:
            continue
        seen = dict(visits)
        seen[(node_id, choice.id)] = seen.get((node_id, choice.id), 0) + 1
        yield from paths(scenario, choice.next, path + [(node_id, choice.id)], seen, limit)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_path_reaches_an_end_and_scores_within_the_maximum(path):
    xml = path.read_text(encoding="utf-8")
    scenario = load_scenario(xml)
    best = max_score(scenario)
    walks = list(paths(scenario, scenario.start, [], {}))
    assert walks
    seen_scores = set()
    for walk in walks[:300]:
        runtime = RecordingRuntime("walker")
        block = load_block(runtime, xml)[0]
        for step, choice in walk:
            status, answer = runtime.call(block, "choose", {"step": step, "choice": choice})
            assert status == 200, answer
            assert runtime.call(block, "proceed")[0] == 200
        grade = runtime.events_of("grade")[-1]
        assert grade["max_value"] == best and 0 <= grade["value"] <= best
        assert runtime.events_of("completion") == [{"completion": 1.0}]
        assert len(runtime.events_of("xblock.f2l_scenario.choice_made")) == len(walk)
        seen_scores.add(grade["value"])
    assert best in seen_scores, "the best path must be playable"
    assert len(seen_scores) > 1, "choices must make a difference to the score"
