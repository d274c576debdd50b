"""Every indicator quiz we ship validates cleanly, hides its answer key, and marks a perfect answer fully."""

from pathlib import Path

import pytest

from free2link_xblocks.cli import main as cli
from free2link_xblocks.core.markup import plain_text
from free2link_xblocks.core.quiz import load_quiz

from .conftest import RecordingRuntime, load_block

SHIPPED = sorted((Path(__file__).parent.parent / "free2link_xblocks" / "indicator_quiz" / "workbench").glob("*.xml"))


def test_there_are_at_least_three_quizzes():
    assert len(SHIPPED) >= 3


def test_the_validator_finds_no_error_and_no_warning(capsys):
    assert cli(["validate", *map(str, SHIPPED)]) == 0
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_the_answer_key_stays_on_the_server_until_the_learner_answers(path):
    xml = path.read_text(encoding="utf-8")
    quiz = load_quiz(xml)
    runtime = RecordingRuntime("learner")
    block = load_block(runtime, xml)[0]
    before = runtime.render(block, "student_view").content
    secrets = [plain_text(m)[:60] for i in quiz.indicators for m in (i.feedback, i.feedback_selected, i.feedback_missed)
               if m] + [plain_text(quiz.explanation)[:60], "indicator</span>"]
    assert [s for s in secrets if s in before] == []
    for indicator in quiz.indicators:
        assert plain_text(indicator.label) in plain_text(before)
    present = [i.id for i in quiz.indicators if i.present]
    status, answer = runtime.call(block, "submit", {"selected": present, "none": not present})
    assert status == 200 and block.best_earned == block.max_score()
    after = plain_text(answer["html"])
    assert [i.id for i in quiz.indicators if plain_text(i.feedback_for(i.present))[:60] not in after] == []
