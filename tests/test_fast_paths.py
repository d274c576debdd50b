"""The handlers' fast paths give what the slow ones gave: compiled templates and row templates the HTML of
Django's engine, a stored scenario read node by node the model of a full parse."""

import glob
import re
from pathlib import Path

import pytest
from django.template import Context, Engine
from django.utils.safestring import SafeString, mark_safe

from free2link_xblocks.common import templating
from free2link_xblocks.common.base import Free2LinkBlock, template_engine
from free2link_xblocks.common.text import common_text
from free2link_xblocks.core import scenario as core
from free2link_xblocks.core.problems import ContentError
from free2link_xblocks.indicator_quiz_block import IndicatorQuizBlock
from free2link_xblocks.scenario_block import ScenarioBlock

from .conftest import RecordingRuntime

PACKAGE = Path(__file__).resolve().parent.parent / "free2link_xblocks"
EXAMPLES = sorted(glob.glob(str(PACKAGE / "scenario" / "workbench" / "*.xml")))
QUIZZES = sorted(glob.glob(str(PACKAGE / "indicator_quiz" / "workbench" / "*.xml")))
COURSE_SCENARIOS = sorted(path for path in glob.glob(str(PACKAGE.parent / "courses" / "**" / "*.xml"), recursive=True)
                          if "<f2l_scenario" in Path(path).read_text(encoding="utf-8"))


def django_render(block_package, name, context):
    template = template_engine(block_package).get_template(name)
    return template.render(Context(context, autoescape=True, use_l10n=False))


@pytest.fixture
def recorded(monkeypatch):
    """Every (package, template, context) our blocks render, rendered compiled as they are."""
    calls = []
    compiled_render = Free2LinkBlock.render_template

    def render_template(self, name, context):
        calls.append((self.block_package, name, dict(context)))
        return compiled_render(self, name, context)

    monkeypatch.setattr(Free2LinkBlock, "render_template", render_template)
    return calls


def play_everything(staff=False):
    """Every example quiz and scenario: the page, answers and moves, as a learner and as staff."""
    for path in QUIZZES + EXAMPLES:
        runtime = RecordingRuntime(staff=staff)
        block = runtime.get_block(runtime.parse_xml_string(Path(path).read_text()))
        runtime.render(block, "student_view")
        runtime.render(block, "author_view")
        if isinstance(block, IndicatorQuizBlock):
            ids = [i.id for i in block.quiz.indicators]
            for answer in (ids[:1], ids, []):  # until the attempts run out, if they do
                runtime.call(block, "submit", {"selected": answer} if answer else {"selected": [], "none": True})
                runtime.call(block, "reset")
            assert runtime.call(block, "submit", {"selected": ids[:2]}, token=False)[0] == 400
        else:
            for step in range(40):
                if block.showing_feedback:
                    runtime.call(block, "proceed")
                    continue
                node = block.scenario.node(block.node_id)
                if node is None or node.is_end:
                    break
                runtime.call(block, "choose", {"step": node.id, "choice": node.choices[step % len(node.choices)].id})
            runtime.render(block, "student_view")
            runtime.call(block, "choose", {"step": "nowhere", "choice": "c1"}, token=False)


@pytest.mark.parametrize("staff", [False, True])
def test_compiled_templates_render_what_djangos_engine_renders(recorded, staff):
    play_everything(staff)
    names = {name for _package, name, _context in recorded}
    assert {"quiz.html", "quiz_body.html", "scenario.html", "scenario_body.html", "author_view.html"} <= names
    for package, name, context in recorded:
        compiled = templating.compiled(template_engine(package), name)
        assert isinstance(compiled, templating.CompiledTemplate), name
        assert compiled.render(context) == django_render(package, name, context), name


def test_marking_rows_are_what_the_template_loop_made():
    """The rows the quiz renders with row templates, against the loop the template had before them."""
    loop = Engine(autoescape=True).from_string(
        '{% for m in markings %}\n    <li class="f2l-marking__item f2l-verdict--{{ m.verdict }}">\n'
        '      <div class="f2l-marking__choice">\n'
        '        <input type="checkbox" class="f2l-marking__input" id="{{ uid }}-m{{ forloop.counter }}" '
        'value="{{ m.id }}" disabled{% if m.selected %} checked{% endif %} aria-describedby="{{ uid }}-m'
        '{{ forloop.counter }}-verdict {{ uid }}-m{{ forloop.counter }}-feedback">\n'
        '        <span class="f2l-marking__box{% if m.selected %} f2l-marking__box--ticked{% endif %}" '
        'aria-hidden="true"></span>\n'
        '        <label class="f2l-marking__label" for="{{ uid }}-m{{ forloop.counter }}">{{ m.label }}</label>\n'
        "      </div>\n"
        '      {% if m.right %}<details class="f2l-marking__why"><summary>{% endif %}<span class="f2l-verdict" '
        'id="{{ uid }}-m{{ forloop.counter }}-verdict"><span class="f2l-verdict__mark" aria-hidden="true">'
        "{% if m.right %}✓{% else %}✗{% endif %}</span> {{ m.verdict_text }}{% if m.strength_text and m.present %}"
        ' <span class="f2l-verdict__strength">{{ m.strength_text }}</span>{% endif %}</span>{% if m.right %} '
        '<span class="f2l-marking__why-label">{{ t.read_why }}</span></summary>{% endif %}\n'
        '      <div class="f2l-feedback__text" id="{{ uid }}-m{{ forloop.counter }}-feedback">{{ m.feedback }}</div>'
        "{% if m.right %}</details>{% endif %}\n    </li>{% endfor %}")
    for path in QUIZZES:
        runtime = RecordingRuntime()
        block = runtime.get_block(runtime.parse_xml_string(Path(path).read_text()))
        ids = [i.id for i in block.quiz.indicators]
        for answer in (ids[:1], ids[1:3], []):
            result = block._mark(answer)
            texts = block.texts()
            markings = [{"id": m.indicator.id, "label": mark_safe(m.indicator.label), "selected": m.selected,
                         "verdict": m.verdict, "right": m.is_right, "present": m.indicator.present,
                         "verdict_text": texts["verdict"][m.verdict],
                         "strength_text": texts["strength"].get(m.indicator.strength or "", ""),
                         "feedback": mark_safe(m.feedback)} for m in result.markings]
            uid = 'q"<&>'  # escaped like any value
            expected = loop.render(Context({"markings": markings, "uid": uid, "t": texts}, use_l10n=False))
            assert block._marking_rows(uid, result) == expected


ENGINE = Engine(autoescape=True)


@pytest.mark.parametrize("source, context", [
    ("{{ a }}|{{ b }}|{{ c }}|{{ d }}|{{ e }}", {"a": "<x & 'y'>", "b": SafeString("<b>"), "c": 3, "d": None, "e": True}),
    ("{{ missing }}|{{ a.missing }}|{{ a.0 }}|{{ a.upper }}|{{ f }}", {"a": "abc", "f": lambda: "<called>"}),
    ("{{ a|safe }}{{ n|safe }}", {"a": "<i>ok</i>", "n": None}),
    ('{% if a == "x" and not b or c in d %}yes{% elif e %}e{% else %}no{% endif %}',
     {"a": "x", "b": False, "c": 1, "d": None, "e": 0}),
    ("{% if x > 1 %}big{% endif %}{% if y is None %}none{% endif %}{% if y is not None %}set{% endif %}", {"x": "a"}),
    ("{% for i in items %}{{ forloop.counter }}{{ i.k }}{% for j in i.v %}{{ forloop.parentloop.counter }}"
     "{{ j }}{% endfor %}{% endfor %}{{ i }}", {"items": [{"k": "<", "v": [1, 2]}, {"k": "b", "v": []}], "i": "after"}),
    ("{% for i in missing %}x{% endfor %}{% for c in text %}{{ c }}{% endfor %}", {"text": "ab"}),
])
def test_compiled_templates_follow_djangos_rules(source, context):
    template = ENGINE.from_string(source)
    compiled = templating.CompiledTemplate(template, ENGINE)
    assert compiled.render(context) == template.render(Context(context, autoescape=True, use_l10n=False))


def test_a_template_the_compiler_does_not_cover_is_left_to_django():
    engine = Engine(autoescape=True, loaders=[("django.template.loaders.locmem.Loader", {
        "lower.html": "{{ a|lower }}", "with.html": "{% with b=a %}{{ b }}{% endwith %}", "plain.html": "{{ a }}"})])
    for name in ("lower.html", "with.html"):
        compiled = templating.compiled(engine, name)
        assert isinstance(compiled, templating.DjangoTemplate)
        assert compiled.render({"a": "<A>"}) in ("&lt;a&gt;", "&lt;A&gt;")
    assert isinstance(templating.compiled(engine, "plain.html"), templating.CompiledTemplate)


def test_the_editors_strings_are_translated_when_asked_for():
    asked = []

    class Counting:
        def gettext(self, message):
            asked.append(message)
            return message

        def ngettext(self, singular, plural, count):
            return singular if count == 1 else plural

    from free2link_xblocks.common.base import Translator

    texts = common_text(Translator(Counting()))
    learner_strings = len(asked)
    assert "editor" in {**texts, "editor": None} and len(asked) == learner_strings
    assert texts["editor"]["settings"] == "Settings" and len(asked) > learner_strings
    with pytest.raises(KeyError):
        texts["no such string"]


# ------------------------------------------------------------------ stored scenarios

def stored_text(path_or_xml: str) -> str:
    runtime = RecordingRuntime()
    source = Path(path_or_xml).read_text() if not path_or_xml.lstrip().startswith("<") else path_or_xml
    return runtime.get_block(runtime.parse_xml_string(source)).scenario_xml


@pytest.mark.parametrize("path", EXAMPLES + COURSE_SCENARIOS, ids=lambda path: Path(path).name)
def test_a_stored_scenario_read_node_by_node_is_the_full_parse(path):
    for match in re.finditer(r"<f2l_scenario\b.*?</f2l_scenario>", Path(path).read_text(), re.S):
        text = stored_text(match.group())
        full = core.load_scenario(text)
        stored = core.StoredScenario.read(text)
        assert stored is not None
        assert (stored.start, stored.settings, stored.harmful_cap) == (full.start, full.settings, full.harmful_cap)
        for node in full.nodes:
            assert stored.node(node.id) == node
        assert stored.node("no such node") is None
        assert stored == full and core.max_score(stored) == core.max_score(full)


def test_a_stored_scenario_parses_only_the_nodes_asked_for():
    steps = "".join(f'<step id="s{i}" title="S{i}"><p>Text {i}</p><choice id="c1" next="{f"s{i + 1}" if i < 49 else "e"}">'
                    f"<label>Go</label><feedback>Why</feedback></choice></step>" for i in range(50))
    text = stored_text(f'<f2l_scenario start="s0">{steps}<end id="e" title="End"><p>Done</p></end></f2l_scenario>')
    stored = core.StoredScenario.read(text)
    assert stored.node("s3").choices[0].next == "s4"
    assert set(stored._parsed) == {"s3"} and stored._whole is None and len(stored._index["spans"]) == 4
    assert stored.steps and stored._whole is not None  # a whole-graph question parses the whole


S0 = '<f2l_scenario><step id="s0"><choice id="c1" next="s1"><label>A</label><feedback>B</feedback></choice></step>'


@pytest.mark.parametrize("text", [
    S0 + '<!-- a comment --><end id="s1"><p>x</p></end></f2l_scenario>',
    S0 + '<end id="s1"><p>a<!-- </end> --></p></end></f2l_scenario>',
    S0 + '<end id="s1" xmlns:x="urn:x"><p>x</p></end></f2l_scenario>',
    S0 + '<end id=" s1 "><p>x</p></end></f2l_scenario>',
    S0 + "<?pi x?><end id='s1'><p>x</p></end></f2l_scenario>",
    S0 + 'text<end id="s1"><p>x</p></end></f2l_scenario>',
    S0 + '<end id="s1"><p>x</p></f2l_scenario>',
])
def test_text_the_index_could_misread_is_parsed_whole(text):
    stored = core.StoredScenario.read(text)
    assert stored.node("s0") is not None or stored._whole is not None
    try:
        full = core.load_scenario(text)
    except ContentError:
        with pytest.raises(ContentError):
            stored.node("s1")
        return
    assert stored.node("s1") == full.node("s1") and stored._whole is not None


@pytest.mark.parametrize("text", ["<f2l_scenario/>", "<other/>",
                                  '<f2l_scenario xmlns="urn:x"><step id="s1"/></f2l_scenario>'])
def test_a_root_the_index_cannot_read_is_parsed_whole(text):
    assert core.StoredScenario.read(text) is None


def test_a_new_learners_first_step_is_found_without_reading_the_rest():
    steps = "".join(f'<step id="s{i}"><choice id="c1" next="{f"s{i + 1}" if i < 99 else "e"}"><label>Go</label>'
                    "<feedback>F</feedback></choice></step>" for i in range(100))
    stored = core.StoredScenario.read(stored_text(f'<f2l_scenario>{steps}<end id="e"/></f2l_scenario>'))
    assert stored.start == "s0" and stored.node("s0").choices[0].next == "s1"
    assert list(stored._index["spans"]) == ["s0"] and not stored._index["done"]
    assert stored.node("e").is_end and len(stored._index["spans"]) == 101


def test_a_stored_node_with_an_error_is_refused_as_by_a_full_parse():
    stored = core.StoredScenario.read('<f2l_scenario><step id="s1"><choice id="c1" next="s1" points="many">'
                                      "<label>A</label><feedback>B</feedback></choice></step></f2l_scenario>")
    with pytest.raises(ContentError):
        stored.node("s1")
    with pytest.raises(ContentError):
        core.load_scenario_cached.__wrapped__('<f2l_scenario harmful_cap="x"><step id="s1"/></f2l_scenario>')


def test_a_scenario_block_renders_from_a_stored_scenario():
    runtime = RecordingRuntime()
    block = runtime.get_block(runtime.parse_xml_string(Path(EXAMPLES[0]).read_text()))
    assert isinstance(block.scenario, core.StoredScenario)
    assert isinstance(ScenarioBlock.load_content(block.scenario_xml), core.StoredScenario)
