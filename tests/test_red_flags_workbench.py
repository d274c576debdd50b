"""f2l_red_flags over HTTP in the real xblock-sdk workbench: every example renders without its answer key, the
static files are served, garbage is a 400 that changes nothing, CSRF is required, attempts are enforced by the
server, and twenty identical answers sent at once count once."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from .test_workbench_http import open_block
from .workbench import Client

pytestmark = pytest.mark.workbench
BURST = 20


def open_red_flags(workbench, student, title_fragment="Red flags in the hostess advert"):
    return open_block(workbench, "f2l_red_flags", student, title_fragment)


def learner_part(html):
    """The block as a learner gets it (the workbench page also prints the scenario's source for developers)."""
    return re.search(r'class="f2l f2l-rf".*?xblock_json_init_args', html, re.S).group(0)


def test_every_example_renders_without_its_answer_key(workbench):
    ids = workbench.scenario_ids("f2l_red_flags")
    assert len(ids) >= 3
    client = Client(workbench.url, "rf_viewer")
    for scenario_id in ids:
        status, html = client.get(f"/scenario/{scenario_id}/")
        block = learner_part(html)
        assert status == 200 and 'aria-pressed="false"' in block, scenario_id
        for secret in ("<flag", "&lt;flag", "strength", "f2l-unit--", "Red flag 1", "feedback"):
            assert secret not in block, (scenario_id, secret)


def test_static_files_are_served(workbench):
    client = Client(workbench.url, "rf_viewer")
    assert client.get("/resource/f2l_red_flags/red_flags/static/js/red_flags.js")[0] == 200
    assert client.get("/resource/f2l_red_flags/red_flags/static/css/red_flags.css")[0] == 200
    assert client.get("/resource/f2l_red_flags/red_flags_block.py")[0] == 404


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"selected": "1", "seq": 0}', b'{"selected": [999], "seq": 0}',
                                  b'{"selected": [], "seq": 0}', b'{"selected": [1, 1], "seq": 0}',
                                  b'{"selected": [1]}'])
def test_garbage_is_a_400_and_changes_nothing(workbench, body):
    client, usage_id, before = open_red_flags(workbench, "rf_garbage")
    status, answer = client.post(usage_id, "submit", body, raw=True)
    assert status == 400 and isinstance(answer, dict) and answer.get("error")
    assert learner_part(open_red_flags(workbench, "rf_garbage")[2]) == learner_part(before)


def test_post_without_csrf_token_is_refused(workbench):
    client, usage_id, _ = open_red_flags(workbench, "rf_no_csrf")
    assert client.post(usage_id, "submit", {"selected": [1]}, csrf=False)[0] == 403


def test_attempts_are_enforced_and_staff_see_what_the_class_missed(workbench):
    client, usage_id, _ = open_red_flags(workbench, "rf_player")
    status, answer = client.post(usage_id, "submit", {"selected": [1]})
    assert status == 200 and "Red flag 1: spotted" in answer["html"] and "not selected" in answer["html"]
    assert client.post(usage_id, "reset", {})[0] == 200
    assert client.post(usage_id, "submit", {"selected": [1, 0]})[0] == 200
    status, answer = client.post(usage_id, "reset", {})
    assert status == 400 and "used all your attempts" in answer["error"]
    html = open_red_flags(workbench, "rf_player")[2]
    assert "0 attempts left of 2." in html and "Best score: 1 of 6 points" in html
    staff = open_red_flags(workbench, "staff")[2]
    assert "Which red flags the class missed" in staff and "Missed in" in staff


def test_twenty_identical_answers_at_once_count_once(workbench):
    client, usage_id, _ = open_red_flags(workbench, "rf_racer")
    seq = client.seqs[usage_id]
    with ThreadPoolExecutor(BURST) as pool:
        answers = list(pool.map(lambda _: client.post(usage_id, "submit", {"selected": [1, 2], "seq": seq}),
                                range(BURST)))
    assert {status for status, _ in answers} <= {200, 409}, answers
    assert sum(1 for status, answer in answers if status == 200 and not answer.get("replayed")) == 1
    html = open_red_flags(workbench, "rf_racer")[2]
    assert "1 attempt left of 2." in html and "Best score: 2 of 6 points" in html
