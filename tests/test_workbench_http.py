"""f2l_scenario over HTTP in the real xblock-sdk workbench: CSRF, 400 on garbage, attempts."""

import html
import re

import pytest

from .workbench import Client

pytestmark = pytest.mark.workbench


def open_block(workbench, block_type, student, title_fragment):
    """Open the shipped example of ``block_type`` whose title contains ``title_fragment``; return client, usage id,
    html."""
    client = Client(workbench.url, student)
    for scenario_id in workbench.scenario_ids(block_type):
        status, html = client.get(f"/scenario/{scenario_id}/")
        assert status == 200, html[-2000:]
        if title_fragment in html:
            usage_id = re.search(rf"data-usage='([^']+)' data-block-type='{block_type}'", html).group(1)
            return client, usage_id, html
    raise AssertionError(f"no workbench {block_type} titled {title_fragment!r}")


def open_scenario(workbench, student, title_fragment="A job offer on Instagram"):
    return open_block(workbench, "f2l_scenario", student, title_fragment)


def block_body(html, kind="scenario"):
    """The learner-state part of a block's page (up to its form), to compare before and after a request."""
    return re.search(rf'<div class="f2l-body f2l-{kind}__body".*?</form>', html, re.S).group(0)


def test_every_shipped_scenario_renders(workbench):
    ids = workbench.scenario_ids()
    assert len(ids) >= 3
    client = Client(workbench.url, "viewer")
    for scenario_id in ids:
        status, html = client.get(f"/scenario/{scenario_id}/")
        assert status == 200 and 'class="f2l f2l-scenario"' in html, scenario_id


def test_every_shipped_quiz_renders_without_its_answer_key(workbench):
    ids = workbench.scenario_ids("f2l_indicator_quiz")
    assert len(ids) >= 3
    client = Client(workbench.url, "viewer")
    for scenario_id in ids:
        status, html = client.get(f"/scenario/{scenario_id}/")
        assert status == 200 and 'class="f2l f2l-quiz"' in html, scenario_id
        # The workbench page also prints the scenario's source for developers; the block is what a learner gets.
        block = re.search(r'class="f2l f2l-quiz".*?xblock_json_init_args', html, re.S).group(0)
        assert 'type="checkbox"' in block and "f2l-verdict" not in block and " indicator</span>" not in block


def test_static_files_are_served_and_nothing_else(workbench):
    client = Client(workbench.url, "viewer")
    assert client.get("/resource/f2l_scenario/scenario/static/js/scenario.js")[0] == 200
    assert client.get("/resource/f2l_scenario/common/static/css/parts.css")[0] == 200
    assert client.get("/resource/f2l_scenario/scenario_block.py")[0] == 404
    assert client.get("/resource/f2l_scenario/static/../block.py")[0] == 404


def test_post_without_csrf_token_is_refused(workbench):
    client, usage_id, _ = open_scenario(workbench, "no_csrf")
    status, _ = client.post(usage_id, "choose", {"step": "s1", "choice": "c1"}, csrf=False)
    assert status == 403


@pytest.mark.parametrize("body", [b"{not json", b'"a string"', b'{"step": "s1", "seq": 0}',
                                  b'{"step": "s9", "choice": "c1", "seq": 0}', b'{"step": "s1", "choice": "zz", "seq": 0}',
                                  b'{"step": "s1", "choice": "c1"}', b'{"step": "s1", "choice": "c1", "seq": "0"}'])
def test_garbage_is_answered_with_400_and_changes_nothing(workbench, body):
    client, usage_id, before = open_scenario(workbench, "garbage")
    status, answer = client.post(usage_id, "choose", body, raw=True)
    assert status == 400 and isinstance(answer, dict) and answer.get("error")
    after = open_scenario(workbench, "garbage")[2]
    assert block_body(after) == block_body(before)


def test_get_on_a_handler_is_refused(workbench):
    client, usage_id, _ = open_scenario(workbench, "getter")
    assert client.get(f"/handler/{usage_id}/choose/")[0] == 405


def test_play_to_the_end_and_attempts_are_enforced_by_the_server(workbench):
    client, usage_id, _ = open_scenario(workbench, "player")
    for _attempt in range(2):
        status, answer = client.post(usage_id, "choose", {"step": "s1", "choice": "c2"})
        assert status == 200 and "Lecturing can break trust." in answer["html"]
        status, answer = client.post(usage_id, "proceed", {})
        assert status == 200 and "Amira stops coming" in answer["html"]
        status, answer = client.post(usage_id, "restart", {})
    assert status == 400 and "used all your attempts" in answer["error"]
    _, _, html = open_scenario(workbench, "player")
    assert "2 attempts" not in html and "0 attempts left of 2." in html and "Try again" not in html


# ------------------------------------------------------------------ the indicator quiz


def open_quiz(workbench, student, title_fragment="The hostess advert"):
    return open_block(workbench, "f2l_indicator_quiz", student, title_fragment)


@pytest.mark.parametrize("body", [b"{not json", b"[]", b'{"selected": "pay", "seq": 0}',
                                  b'{"selected": ["nope"], "seq": 0}', b'{"selected": [], "seq": 0}',
                                  b'{"selected": ["pay", "pay"], "seq": 0}', b'{"selected": ["pay"]}'])
def test_quiz_garbage_is_answered_with_400_and_changes_nothing(workbench, body):
    client, usage_id, before = open_quiz(workbench, "quiz_garbage")
    status, answer = client.post(usage_id, "submit", body, raw=True)
    assert status == 400 and isinstance(answer, dict) and answer.get("error")
    assert block_body(open_quiz(workbench, "quiz_garbage")[2], "quiz") == block_body(before, "quiz")


def test_quiz_post_without_csrf_token_is_refused(workbench):
    client, usage_id, _ = open_quiz(workbench, "quiz_no_csrf")
    assert client.post(usage_id, "submit", {"selected": ["pay"]}, csrf=False)[0] == 403


def test_quiz_attempts_are_enforced_by_the_server(workbench):
    client, usage_id, _ = open_quiz(workbench, "quiz_player")
    status, answer = client.post(usage_id, "submit", {"selected": ["pay"]})
    assert status == 200 and "You judged 4 of 8 indicators correctly." in answer["html"]
    assert client.post(usage_id, "reset", {})[0] == 200
    status, answer = client.post(usage_id, "submit", {"selected": [], "none": True})
    assert status == 200 and "Show the expected answer" in answer["html"]
    status, answer = client.post(usage_id, "reset", {})
    assert status == 400 and "used all your attempts" in answer["error"]
    html = open_quiz(workbench, "quiz_player")[2]
    assert "0 attempts left of 2." in html and "Best score: 4 of 8 points" in html


# ------------------------------------------------------------------ the index


def test_the_index_is_complete_from_the_first_requests_and_in_course_order(workbench):
    from free2link_xblocks.course_tools import course_blocks

    first = workbench.first_indexes
    assert all(index == first[0] for index in first)  # requests that came together saw the same, full list
    listed = re.findall(r'href="/scenario/([^"/]+)/">\s*([^<]*?)\s*</a>', first[0])
    titles = [html.unescape(title) for _id, title in listed]
    course = sorted([*course_blocks("f2l_scenario"), *course_blocks("f2l_indicator_quiz"),
                     *course_blocks("f2l_red_flags")], key=lambda b: b.order)
    examples = len(titles) - len(course)
    assert examples >= 2 and not any(t.startswith("[") for t in titles[:examples])
    assert titles[examples:] == [block.title for block in course]
    # by module, then language: Module 2 in all four languages, then Module 3
    course_titles = titles[examples:]
    module_3 = next(n for n, t in enumerate(course_titles) if t.startswith("[en] Module 3."))
    assert [t[:4] for t in course_titles[:module_3]] == sorted(
        (t[:4] for t in course_titles[:module_3]), key=["[en]", "[it]", "[el]", "[pl]"].index)
    assert {t[:4] for t in course_titles[:module_3]} == {"[en]", "[it]", "[el]", "[pl]"}
    assert all(t.startswith("[en] Module 2.") for t in course_titles[:module_3] if t.startswith("[en]"))
