"""Parallel identical requests in the real xblock-sdk workbench (a threaded server over HTTP): a
double click, a retry or a script firing the same answer 20 times at once counts once, attempts
never exceed ``max_attempts`` and no score exceeds the maximum."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from .test_workbench_http import open_quiz, open_scenario

pytestmark = pytest.mark.workbench
BURST = 20


def burst(client, usage_id, handler, body):
    """Send the same request ``BURST`` times at once; return the (status, answer) of each."""
    with ThreadPoolExecutor(BURST) as pool:
        return list(pool.map(lambda _: client.post(usage_id, handler, dict(body)), range(BURST)))


def accepted(answers) -> int:
    """Requests that did something (not refused, not a replay of one that did)."""
    return sum(1 for status, answer in answers if status == 200 and not answer.get("replayed"))


def scores(html) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in re.findall(r"(?:Best score|This attempt): (\d+) of (\d+) point", html)]


def harmful_choice_count(workbench, title="A job offer on Instagram") -> int:
    """How often the class took "Tell her it is obviously a trafficker" (the staff tally under the block)."""
    html = open_scenario(workbench, "staff", title)[2]
    found = re.search(r'<th scope="row">Tell her it is obviously a trafficker\.[^<]*(?:<span[^>]*>[^<]*</span>)?'
                      r"</th><td>(\d+)</td>", html)
    return int(found.group(1)) if found else 0


def test_twenty_identical_final_choices_count_once_and_attempts_stay_within_the_maximum(workbench):
    client, usage_id, _html = open_scenario(workbench, "racer")
    seq_at_start = client.seqs[usage_id]
    tally_before = harmful_choice_count(workbench)
    for attempt in (1, 2, 3):
        answers = burst(client, usage_id, "choose", {"step": "s1", "choice": "c2", "seq": client.seqs[usage_id]})
        assert {status for status, _ in answers} <= {200, 400, 409}, answers
        assert accepted(answers) == (1 if attempt <= 2 else 0), answers
        answers = burst(client, usage_id, "proceed", {"seq": client.seqs[usage_id]})
        assert accepted(answers) <= 1
        answers = burst(client, usage_id, "restart", {"seq": client.seqs[usage_id]})
        assert accepted(answers) == (1 if attempt == 1 else 0), answers
    html = open_scenario(workbench, "racer")[2]
    assert "0 attempts left of 2." in html and "Try again" not in html
    assert all(earned <= possible for earned, possible in scores(html)) and scores(html)
    assert harmful_choice_count(workbench) - tally_before == 2  # two attempts, each choice counted once
    assert client.seqs[usage_id] - seq_at_start <= 2 * 3  # choose, proceed, restart: at most once per burst


def test_twenty_identical_quiz_answers_count_once(workbench):
    client, usage_id, _html = open_quiz(workbench, "quiz_racer")
    answers = burst(client, usage_id, "submit", {"selected": ["pay"], "seq": client.seqs[usage_id]})
    assert accepted(answers) == 1 and all(status in (200, 409) for status, _ in answers), answers
    html = open_quiz(workbench, "quiz_racer")[2]
    assert "1 attempt left of 2." in html and "Best score: 4 of 8 points" in html
    for expected in (1, 0, 0):  # parallel "Try again" and answers until no attempt is left
        assert accepted(burst(client, usage_id, "reset", {"seq": client.seqs[usage_id]})) == expected
        answers = burst(client, usage_id, "submit", {"selected": ["pay", "passport"], "seq": client.seqs[usage_id]})
        assert accepted(answers) == expected, answers
    html = open_quiz(workbench, "quiz_racer")[2]
    assert "0 attempts left of 2." in html and "Best score: 5 of 8 points" in html
    assert all(earned <= possible for earned, possible in scores(html)) and scores(html)


def test_twenty_different_tokens_at_once_still_count_at_most_once(workbench):
    """A script that invents tokens: only the current one is accepted, once."""
    client, usage_id, _html = open_quiz(workbench, "quiz_script")
    seq = client.seqs[usage_id]
    with ThreadPoolExecutor(BURST) as pool:
        answers = list(pool.map(lambda n: client.post(usage_id, "submit", {"selected": ["pay"], "seq": seq + n - 5}),
                                range(BURST)))
    # a guess of the next token reaches the quiz, which refuses a second answer (400)
    assert accepted(answers) == 1 and {status for status, _ in answers} <= {200, 400, 409}
    assert "1 attempt left of 2." in open_quiz(workbench, "quiz_script")[2]

