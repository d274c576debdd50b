"""Our blocks in the real CMS (Studio): the editor renders for course staff with resources collectstatic
publishes, a course team's save through the CMS handler URL updates the block, and a learner can do neither."""

import json

import platform_env
import pytest
from platform_env import RESOURCE_URL


@pytest.fixture(scope="module")
def staff():
    return platform_env.make_user("author", staff=True)


def studio_view(client, block):
    return client.get(f"/xblock/{block.location}/studio_view", HTTP_ACCEPT="application/json")


def cms_handler(client, block, handler, payload):
    response = client.post(f"/xblock/{block.location}/handler/{handler}", data=json.dumps(payload),
                           content_type="application/json")
    return response.status_code, response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("block_type", platform_env.OUR_TYPES)
def test_studio_view_renders_for_course_staff(runs, staff, block_type):
    from openedx.core.lib.xblock_pipeline.finder import XBlockPipelineFinder

    block = next(b for b in platform_env.our_blocks(runs["en"].id) if b.category == block_type)
    response = studio_view(platform_env.client_for(staff), block)
    assert response.status_code == 200
    answer = json.loads(response.content)
    assert "f2l-studio" in answer["html"], answer["html"][:500]
    resources = json.dumps(answer["resources"])
    urls = set(RESOURCE_URL.findall(resources))
    assert any(url.endswith("common/static/js/studio.js") for url in urls), resources[:500]
    published = {f"{s.prefix}/{p}" for s in XBlockPipelineFinder().package_storages if s.exists("")
                 for p in _files(s)}
    assert urls <= published, sorted(urls - published)


def _files(storage):
    from django.apps import apps
    from django.contrib.staticfiles.utils import get_files

    return get_files(storage, apps.get_app_config("staticfiles").ignore_patterns)


def test_a_course_team_save_through_the_cms_handler_updates_the_block(runs, staff):
    from xmodule.modulestore.django import modulestore

    block = next(b for b in platform_env.our_blocks(runs["en"].id) if b.category == "f2l_scenario")
    payload = platform_env.editor_payload(block, display_name="Edited in Studio", max_attempts=3, weight=2.0)
    status, body = cms_handler(platform_env.client_for(staff), block, "studio_submit", payload)
    assert status == 200, body[:500]
    saved = modulestore().get_item(block.location)
    assert saved.display_name == "Edited in Studio" and saved.max_attempts == 3 and saved.weight == 2.0
    assert saved.model == block.model  # the same content, stored in its canonical form


def test_a_learner_cannot_save_through_the_cms(runs):
    from xmodule.modulestore.django import modulestore

    course = runs["en"]
    learner = platform_env.make_user("cms_learner", enroll=[course.id])
    block = next(b for b in platform_env.our_blocks(course.id) if b.category == "f2l_indicator_quiz")
    client = platform_env.client_for(learner)
    assert studio_view(client, block).status_code == 403
    status, _ = cms_handler(client, block, "studio_submit", platform_env.editor_payload(block, display_name="Hacked"))
    assert status == 403
    assert modulestore().get_item(block.location).display_name != "Hacked"


@pytest.mark.parametrize("block_type", platform_env.OUR_TYPES)
def test_studio_unit_page_shows_an_overview_not_the_learner_view(runs, staff, block_type):
    """has_author_view: the unit page shows an overview (for a scenario: steps, ends, maximum score)."""
    block = next(b for b in platform_env.our_blocks(runs["el"].id) if b.category == block_type)
    response = platform_env.client_for(staff).get(f"/xblock/{block.location}/author_view",
                                                  HTTP_ACCEPT="application/json")
    assert response.status_code == 200, response.content[:300]
    html = json.loads(response.content)["html"]
    assert 'lang="el"' in html
    assert "f2l-choices__input" not in html and "f2l-quiz__form" not in html  # not the learner's form
    assert "f2l-rf__form" not in html and 'data-unit="' not in html
