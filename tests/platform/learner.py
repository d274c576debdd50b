"""A learner's side of our blocks in the real LMS: render units, play a scenario and answer a quiz through the
LMS handler URLs, reading what to send from the HTML as the blocks' own JavaScript does."""

import html
import json
import re

from django.urls import reverse

FORM = re.compile(r'<form class="(f2l-choices|f2l-quiz__form)"([^>]*)>(.*?)</form>', re.S)
DATA_ATTR = re.compile(r'data-([\w-]+)="([^"]*)"')
OPTION = re.compile(r'<input type="(?:radio|checkbox)" class="f2l-choices__input"[^>]*value="([^"]*)"')
INIT_ARGS = re.compile(r'class="xblock-json-init-args">\s*(\{.*?\})\s*</script>', re.S)


def action_token(block_part: str) -> int:
    """The action token (``seq``) the page was rendered with, from the block's JavaScript init arguments."""
    return json.loads(INIT_ARGS.search(block_part).group(1))["seq"]


def unit_url(unit_location) -> str:
    return reverse("render_xblock", kwargs={"usage_key_string": str(unit_location)})


def handler_url(block_location, handler: str) -> str:
    return reverse("xblock_handler", kwargs={"course_id": str(block_location.course_key),
                                             "usage_id": str(block_location), "handler": handler, "suffix": ""})


def post(client, block_location, handler: str, payload) -> tuple:
    body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
    response = client.post(handler_url(block_location, handler), data=body, content_type="application/json")
    try:
        answer = json.loads(response.content.decode("utf-8"))
    except ValueError:
        answer = response.content.decode("utf-8", "replace")
    return response.status_code, answer


def form_of(page: str):
    """(form's data-* attributes, option values) of the first choice/quiz form in the page, or None."""
    match = FORM.search(page)
    if not match:
        return None
    attributes = {name: html.unescape(value) for name, value in DATA_ATTR.findall(match.group(2))}
    return attributes, [html.unescape(v) for v in OPTION.findall(match.group(3))]


def block_html(page: str, location) -> str:
    """The part of a rendered unit that belongs to one block (its xblock wrapper onwards)."""
    start = page.find(f'data-usage-id="{location}"')
    assert start >= 0, f"{location} is not on the page"
    end = page.find('class="xblock xblock-student_view', start + 1)
    return page[start:end if end > 0 else len(page)]


def first_then_last(step, options: list, visits: int) -> str:
    """The first option shown; on a step seen a third time (a "think again" loop), the last, so the walk ends."""
    return options[0] if visits < 3 else options[-1]


def play_scenario_to_an_end(client, block, page: str, choose=first_then_last, limit=40) -> list:
    """Play to an end as the learner JavaScript does, taking ``choose(step, options, visits)`` on every step
    (``step`` is the content's step, ``options`` the choice ids in the order shown). Returns the choice ids."""
    chosen, seen = [], {}
    current = block_html(page, block.location)
    seq = action_token(current)
    for _ in range(limit):
        if 'class="f2l-end"' in current:
            return chosen
        form = form_of(current)
        assert form, "neither a step nor an end: " + current[:300]
        attributes, options = form
        seen[attributes["step"]] = seen.get(attributes["step"], 0) + 1
        choice = choose(block.scenario.node(attributes["step"]), options, seen[attributes["step"]])
        status, answer = post(client, block.location, "choose", {**attributes, "choice": choice, "seq": seq})
        assert status == 200, answer
        status, answer = post(client, block.location, "proceed", {"seq": answer["seq"]})
        assert status == 200, answer
        chosen.append(choice)
        current, seq = answer["html"], answer["seq"]
    raise AssertionError("no end reached")


RED_FLAGS_FORM = re.compile(r'<form class="f2l-rf__form" data-version="([^"]*)"')
UNIT = re.compile(r'class="f2l-unit"[^>]*data-unit="(\d+)"')


def red_flags_units(block_part: str) -> list[int]:
    """The numbers of the clauses a learner can select, as the page shows them (nothing says which are flags)."""
    return [int(n) for n in UNIT.findall(block_part)]


def select_red_flags(client, block, page: str, selected: list[int]) -> tuple:
    """Submit a selection of clauses as the red flags' JavaScript does: the numbers, the text's version (from
    the form) and the action token. Returns (status, answer)."""
    part = block_html(page, block.location)
    version = html.unescape(RED_FLAGS_FORM.search(part).group(1))
    return post(client, block.location, "submit", {"selected": selected, "version": version,
                                                    "seq": action_token(part)})


def answer_quiz(client, block, page: str, ticks: int) -> dict:
    """Tick the first ``ticks`` indicators as shown and submit."""
    part = block_html(page, block.location)
    attributes, options = form_of(part)
    selected = options[:ticks]
    status, answer = post(client, block.location, "submit", {**attributes, "selected": selected,
                                                               "none": not selected, "seq": action_token(part)})
    assert status == 200, answer
    return answer
