"""What every Free2Link block shares: rendering, translation, static files, roles, grading.

The blocks themselves stay thin: they map XBlock fields to the pure core and back.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import re
from dataclasses import replace
from functools import cache

from django.core.exceptions import ImproperlyConfigured
from django.template import Engine
from lxml import etree
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.exceptions import DisallowedFileError, JsonHandlerError
from xblock.fields import Dict, Integer, Scope

from ..core.authoring import Located, check_olx, in_form_words
from ..core.content import content_version
from ..core.markup import parse_xml
from ..core.problems import ContentError
from ..core.settings import parse_setting
from .actions import studio_handler
from .templating import compiled
from .text import common_text

PACKAGE = "free2link_xblocks"
COMMON_TEMPLATES = importlib.resources.files(PACKAGE).joinpath("common", "templates")
# Workbench only: scenario title -> its place in the index (see ``workbench_scenarios``).
WORKBENCH_ORDER: dict[str, tuple] = {}
# Served files: <block>/static/... of the block itself, or common/static/... shared by all.
# Resource paths are relative to the top package, because the blocks' modules sit one level below it
# (free2link_xblocks.scenario_block): Open edX publishes and serves XBlock resources relative to
# xblock_resource_pkg(block) = "free2link_xblocks" with its old and its new static finder alike.
_RESOURCE = re.compile(r"^(common|scenario|indicator_quiz|red_flags)/static/(?:[\w-]+/)*[\w.-]+\.(css|js|png|svg|woff2)$")


@cache
def template_engine(block_package: str) -> Engine:
    """A Django template engine over the block's templates and the shared ones.

    Templates hold no English text: every string comes translated from Python, so a
    template can never be left untranslated.
    """
    block_templates = importlib.resources.files(block_package).joinpath("templates")
    return Engine(
        dirs=[str(block_templates), str(COMMON_TEMPLATES)],
        autoescape=True,
        debug=False,
        libraries={},
        loaders=[("django.template.loaders.cached.Loader", ["django.template.loaders.filesystem.Loader"])],
    )


def precompile(block_package: str, names) -> None:
    """Compile a block's learner templates when its module is imported (a worker's start), so that its first
    learner request does not pay for it; where Django is not set up yet, they compile on first use instead."""
    try:
        for name in names:
            compiled(template_engine(block_package), name)
    except ImproperlyConfigured:
        pass


class Translator:
    """gettext/ngettext over the runtime's i18n service (the LMS loads our text.mo into it)."""

    def __init__(self, service):
        self.service = service
        # Looked up once: a request translates some sixty strings.
        self._gettext = getattr(service, "gettext", None) or getattr(service, "ugettext", None)
        self._ngettext = getattr(service, "ngettext", None) or getattr(service, "ungettext", None)

    def gettext(self, message: str) -> str:
        if self.service is None:
            return message
        return (self._gettext or self.service.ugettext)(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        if self.service is None:
            return singular if count == 1 else plural
        return (self._ngettext or self.service.ungettext)(singular, plural, count)


def bad_request(message: str):
    """The one way our handlers refuse input: HTTP 400 with a readable message."""
    return JsonHandlerError(400, message)


def clamp_score(earned, possible):
    """A score as shown, reported and published: never below 0 nor above the current maximum
    (a course team may lower the maximum after learners scored)."""
    return max(0, min(earned or 0, possible))


@XBlock.needs("i18n")
@XBlock.wants("user", "replace_urls")
@XBlock.wants("studio_user_permissions")
class Free2LinkBlock(XBlock):
    """Base class of our blocks (not registered as a block itself)."""

    resources_dir = ""
    public_dir = "static"
    # Declared by each block ------------------------------------------------
    block_package = PACKAGE  # the python package holding its templates/, static/ and workbench/
    block_type = ""  # the OLX tag (entry point name)
    content_field = ""  # the field holding the canonical content XML
    settings_spec: tuple = ()  # core.settings.Setting entries, written as root attributes
    content_attributes: tuple = ()  # root attributes that are part of the content (e.g. start)
    parse_content = None  # staticmethod: element -> (model, problems)
    write_content = None  # staticmethod: (model, root) -> element
    load_content = None  # staticmethod: canonical text -> model (cached)
    ui_text = None  # staticmethod: Translator -> dict of every string the block shows

    _texts_cache = None  # translated strings, built once per block instance (i.e. per request)

    # The action token (common/actions.py): actions accepted so far, and the last one, for replays.
    action_seq = Integer(default=0, scope=Scope.user_state, help="Learner actions accepted so far.")
    last_action = Dict(default={}, scope=Scope.user_state, help="The last accepted action, to answer its replays.")

    def texts(self) -> dict:
        if self._texts_cache is None:
            texts = common_text(self.translator)
            texts.update(type(self).ui_text(self.translator))
            self._texts_cache = texts
        return self._texts_cache

    # ------------------------------------------------------------------ translation

    @property
    def translator(self) -> Translator:
        if self._translator is None:
            self._translator = Translator(self.runtime.service(self, "i18n"))
        return self._translator

    _translator = None  # one an instance (i.e. a request)

    def _(self, message: str) -> str:
        return self.translator.gettext(message)

    # ------------------------------------------------------------------ rendering

    def render_template(self, name: str, context: dict) -> str:
        return compiled(template_engine(self.block_package), name).render(context)

    def dom_id(self) -> str:
        """A short id unique to this block on the page, for element ids and ARIA references."""
        return "f2l-" + hashlib.sha1(str(self.scope_ids.usage_id).encode()).hexdigest()[:10]

    def learner_fragment(self, template: str, block_js: str, init: str, **context) -> Fragment:
        """The learner view both blocks share: their page template with the common context, their CSS, the
        common request code and their own script, started with the action token (``seq``) of this render."""
        uid = self.dom_id()
        html = self.render_template(template, {
            "uid": uid,
            "title": self.display_name,
            "t": self.texts(),
            "body": self._render_body(),
            "tally": self._tally_context() if self.is_course_staff() else None,
            "lang": self.content_language(),
            **context,
        })
        return self.fragment(html, css=list(self.learner_css), js=["common/static/js/free2link.js", block_js],
                             init=init, init_args={"uid": uid, "seq": self.action_seq})

    def fragment(self, html: str, css: list[str], js: list[str], init: str, init_args: dict) -> Fragment:
        frag = Fragment(html)
        for path in css:
            frag.add_css_url(self.runtime.local_resource_url(self, path))
        for path in js:
            frag.add_javascript_url(self.runtime.local_resource_url(self, path))
        frag.initialize_js(init, init_args)
        return frag

    @classmethod
    def open_local_resource(cls, uri):
        """Serve only our own static files (block or common), by an explicit allow-list."""
        if isinstance(uri, bytes):
            uri = uri.decode("utf-8")
        if not _RESOURCE.match(uri) or "/." in uri:
            raise DisallowedFileError(f"Not a Free2Link static file: {uri!r}")
        return importlib.resources.files(PACKAGE).joinpath(uri).open("rb")

    # ------------------------------------------------------------------ content and OLX

    @property
    def content_xml(self) -> str:
        return getattr(self, self.content_field)

    _loaded = None  # (content text, model, version) of this instance, i.e. of one request

    def _content(self) -> tuple:
        """The content as parsed, looked up once a request. A field read costs XBlock a service lookup and more,
        and handlers ask for the model a dozen times: while the field holds the same text (XBlock keeps what it
        read, or what was set, in ``_field_data_cache``), the first answer stands."""
        loaded = self._loaded
        if loaded is None or self._field_data_cache.get(self.content_field) is not loaded[0]:
            text = self.content_xml
            loaded = self._loaded = (text, type(self).load_content(text), content_version(text))
        return loaded

    @property
    def model(self):
        return self._content()[1]

    @property
    def version(self) -> str:
        loaded = self._loaded
        if loaded is not None and self._field_data_cache.get(self.content_field) is loaded[0]:
            return loaded[2]
        return content_version(self.content_xml)  # also for content that does not parse

    @classmethod
    def parse_xml(cls, node, runtime, keys):
        """Read the readable OLX form; any error names the line and node, and nothing is stored."""
        model, problems = cls.parse_content(node)
        if any(p.is_error for p in problems):
            raise ContentError(problems, getattr(node, "base", None))
        block = runtime.construct_xblock_from_class(cls, keys)
        block.store_content(model, model.settings)
        own = {s.name for s in cls.settings_spec} | set(cls.content_attributes)
        for name, value in node.items():
            field = block.fields.get(name)
            if name not in own and field is not None and field.scope in (Scope.settings, Scope.content):
                setattr(block, name, field.from_string(value))
        return block

    def store_content(self, model, settings: dict) -> None:
        root = type(self).write_content(model, None)
        setattr(self, self.content_field, etree.tostring(root, encoding="unicode"))
        for name, value in settings.items():
            setattr(self, name, value)

    def add_xml_to_node(self, node):
        """Write the same readable form, with settings as attributes of the root element."""
        node.tag = self.scope_ids.block_type
        node.set("xblock-family", self.entry_point)
        for name, field in self.fields.items():
            if name in (self.content_field, "children", "parent") or field.scope not in (Scope.settings, Scope.content):
                continue
            if field.is_set_on(self):
                value = field.to_string(field.read_from(self))
                node.set(name, "" if value is None else value)
        type(self).write_content(self.model, node)

    @classmethod
    def workbench_scenarios(cls):
        """Every example we ship for this block (the ``workbench/`` files beside it), then every
        block of this type in the course sources (``courses/``), in each course language.

        Where each goes in the workbench's index is kept in ``WORKBENCH_ORDER`` (by title): the
        examples first, then the course by module and language (``workbench_urls``)."""
        folder = importlib.resources.files(cls.block_package).joinpath("workbench")
        scenarios = []
        examples = sorted((e for e in folder.iterdir() if e.name.endswith(".xml")), key=lambda e: e.name)
        for number, entry in enumerate(examples):
            xml = entry.read_text(encoding="utf-8")
            title = parse_xml(xml, entry.name).get("display_name") or entry.name
            WORKBENCH_ORDER[title] = (0, cls.block_type, number)
            scenarios.append((title, f"<vertical_demo>{xml}</vertical_demo>"))
        from ..course_tools import course_blocks  # the course tooling is not needed to render a block

        for block in course_blocks(cls.block_type):
            WORKBENCH_ORDER[block.title] = (1, *block.order)
            scenarios.append((block.title, f"<vertical_demo>{block.xml}</vertical_demo>"))
        return scenarios

    # ------------------------------------------------------------------ Studio
    # The editor sends the content either as the form's JSON or as OLX; both are checked by the
    # core's parser, the one ``free2link validate`` uses. ``studio_validate`` and ``studio_preview``
    # store nothing; ``studio_submit`` stores all or nothing.

    form_of = None  # staticmethod: model -> the editor's JSON form (core.authoring)
    check_form = None  # staticmethod: JSON form -> core.authoring.Checked

    def studio_view(self, context=None):
        """The form editor (settings, content, outline), an "Edit OLX" mode and a preview."""
        uid = self.dom_id()
        texts = self.texts()
        settings = []
        for setting in self.settings_spec:
            value = getattr(self, setting.name)
            settings.append({"name": setting.name, "kind": setting.kind, "value": "" if value is None else value,
                             "label": texts["settings"][setting.name][0], "help": texts["settings"][setting.name][1],
                             "choices": [(c, texts["settings"].get(f"{setting.name}.{c}", c)) for c in setting.choices]})
        model = self.model
        checked = type(self).check_form(type(self).form_of(model))  # for the overview's links into the form
        html = self.render_template("studio.html", {
            "uid": uid, "t": texts, "e": texts["editor"], "settings": settings, "olx": self.content_xml,
            "data_id": f"{uid}-studio-data",
            "editor_data": {"form": type(self).form_of(model), "messages": texts["editor"]["js"],
                            "kind": self.scope_ids.block_type, "labels": self._choice_labels()},
            "outline": self.render_outline(model, checked.paths or {}, problems=[]), "summary": self.summary(model),
        })
        block_css = [p for p in self.learner_css if not p.startswith("common/")]
        return self.fragment(html, css=["common/static/css/parts.css", *block_css, "common/static/css/studio.css"],
                             js=["common/static/js/free2link.js", "common/static/js/studio.js"],
                             init="Free2LinkStudio", init_args={"uid": uid})

    learner_css: tuple = ()  # the learner view's CSS, which the preview needs too

    def _choice_labels(self) -> dict:
        """Translated labels of the values the form offers in lists (quality, outcome, strength)."""
        texts = self.texts()
        return {name: {k: v for k, v in texts[name].items() if k} for name in ("quality", "outcome", "strength")
                if name in texts}

    def summary(self, model, settings=None) -> str:
        """One line about the content, shown in the editor (overridden by blocks)."""
        return ""

    def outline_context(self, model, paths: dict) -> dict:
        """What the editor's overview shows of the content (overridden by blocks)."""
        return {}

    def preview(self, model, settings: dict, show: str) -> tuple[str, list, str]:
        """The learner view of unsaved content: (html, [(value, label) of what can be shown], shown)."""
        raise NotImplementedError

    def render_outline(self, model, paths: dict, problems: list, settings=None) -> str:
        errors = [p for p in problems if p.problem.is_error]
        texts = self.texts()
        if errors:
            score = self.translator.ngettext(
                "{count} error must be fixed before saving; then the maximum score is shown here.",
                "{count} errors must be fixed before saving; then the maximum score is shown here.",
                len(errors)).format(count=len(errors))
        else:
            score = self.summary(model, settings)
        return self.render_template("studio_outline.html", {
            "uid": self.dom_id(), "t": texts, "e": texts["editor"], "score": score, "has_errors": bool(errors),
            **self.outline_context(model, paths),
        })

    def _read_studio_request(self, data):
        """Settings and content of an editor request: (settings, Checked, located problems, from_form)."""
        _ = self._
        if not isinstance(data, dict):
            raise bad_request(_("The request must be a JSON object."))
        problems = []
        settings = {}
        for setting in self.settings_spec:
            found = []
            value = parse_setting(setting, data.get(setting.name), found)
            problems.extend(Located(p, f"settings.{setting.name}") for p in found)
            if value is not None:
                settings[setting.name] = value
        from_form = "form" in data
        if from_form:
            checked = type(self).check_form(data["form"])
        else:
            checked = check_olx(data.get("olx"), type(self).parse_content, {s.name for s in self.settings_spec})
        return settings, checked, problems + checked.problems, from_form

    def _problem_json(self, located: Located, from_form: bool) -> dict:
        problem = located.problem
        if from_form and located.path:  # shown next to its field: in the author's words, no OLX
            return {"message": in_form_words(problem).message(self._), "path": located.path,
                    "severity": problem.severity}
        if from_form:  # lines are those of OLX the author never typed
            problem = replace(problem, line=None)
        return {"message": problem.format(gettext=self._), "path": located.path, "severity": problem.severity}

    def _refuse(self, problems: list, from_form: bool):
        """HTTP 400 listing every error, one per line."""
        # One line each, naming its step or indicator: this message stands alone (Studio's notification).
        lines = [self._problem_json(replace(p, path=None), from_form)["message"] for p in problems
                 if p.problem.is_error]
        return bad_request("\n".join(lines) or self._("The content could not be read."))

    @studio_handler
    def studio_validate(self, data, suffix=""):
        """Check settings and content as the author types, storing nothing: problems, overview, score."""
        settings, checked, problems, from_form = self._read_studio_request(data)
        t = self.translator
        errors = sum(1 for p in problems if p.problem.is_error)
        warnings = len(problems) - errors
        if errors:
            status = t.ngettext("{count} error to fix before saving.", "{count} errors to fix before saving.",
                                errors).format(count=errors)
        elif warnings:
            status = t.ngettext("No errors; {count} warning.", "No errors; {count} warnings.",
                                warnings).format(count=warnings)
        else:
            status = self._("No problems found.")
        answer = {"problems": [self._problem_json(p, from_form) for p in problems], "errors": errors,
                  "status": status, "outline": ""}
        if checked.model is not None:
            answer["outline"] = self.render_outline(checked.model, checked.paths or {}, problems,
                                                    {**self._current_settings(), **settings})
        if from_form:
            answer["olx"] = checked.olx
        elif checked.model is not None and not checked.errors:
            answer["form"] = type(self).form_of(checked.model)
        return answer

    @studio_handler
    def studio_submit(self, data, suffix=""):
        """Store new settings and content, all or nothing: every error is reported, nothing saved."""
        settings, checked, problems, from_form = self._read_studio_request(data)
        if checked.model is None or any(p.problem.is_error for p in problems):
            raise self._refuse(problems, from_form)
        self.store_content(checked.model, settings)
        return {"summary": self._("Saved. {summary}").format(summary=self.summary(checked.model))}

    @studio_handler
    def studio_preview(self, data, suffix=""):
        """The learner view of the content being edited, storing nothing (Studio is for course staff)."""
        settings, checked, problems, from_form = self._read_studio_request(data)
        if checked.model is None:
            raise self._refuse(problems, from_form)
        show = data.get("show")
        show = show if isinstance(show, str) and len(show) <= 200 else ""
        html, options, shown = self.preview(checked.model, {**self._current_settings(), **settings}, show)
        return {"html": html, "options": [{"value": v, "label": label} for v, label in options], "shown": shown}

    def _current_settings(self) -> dict:
        return {s.name: getattr(self, s.name) for s in self.settings_spec}

    # ------------------------------------------------------------------ handler input

    def text_arg(self, data, name: str) -> str:
        """A short string argument of a JSON request, or a 400 that says which one is wrong."""
        if not isinstance(data, dict):
            raise bad_request(self._("The request must be a JSON object."))
        value = data.get(name)
        if not isinstance(value, str) or not value or len(value) > 200:
            raise bad_request(self._("The request is missing a valid \"{name}\".").format(name=name))
        return value

    def check_version(self, data) -> None:
        """Refuse an answer given on a page that shows older content than the course team's latest."""
        if isinstance(data, dict) and data.get("version") not in (None, self.version):
            raise bad_request(self._("This exercise was changed by the course team. Please reload the page."))

    # ------------------------------------------------------------------ people

    def current_user(self):
        service = self.runtime.service(self, "user")
        return service.get_current_user() if service is not None else None

    def may_edit(self) -> bool:
        """Whether the current user may use the Studio editor's handlers.

        In Studio the platform's permission service says whether the user may write to the course;
        in the LMS (where a learner can reach any handler's URL) only course staff may.
        """
        permissions = self.runtime.service(self, "studio_user_permissions")
        course_key = getattr(self.scope_ids.usage_id, "context_key", None)
        if permissions is not None and course_key is not None:
            return bool(permissions.can_write(course_key))
        return self.is_course_staff()

    def is_course_staff(self) -> bool:
        """Course staff see class results under the block; learners never do."""
        user = self.current_user()
        if user is None:
            return False
        attrs = getattr(user, "opt_attrs", {}) or {}
        if attrs.get("edx-platform.user_is_staff") or attrs.get("edx-platform.user_is_global_staff"):
            return True
        # The workbench has no roles: its "staff" user (?student=staff) plays the course team.
        return attrs.get("xblock-workbench.user_id") in {"staff", "instructor"}

    # ------------------------------------------------------------------ attempts and scores
    # Every block declares ``max_attempts`` (0: no limit) and the learner's ``attempts``.

    def attempts_left(self) -> bool:
        return not self.max_attempts or self.attempts < self.max_attempts

    def current_view(self) -> str:
        """The learner's body HTML as it stands (for replayed and refused actions; blocks define it)."""
        raise NotImplementedError

    def score_texts(self, last: int, best: int, possible: int) -> dict:
        """The score lines every block shows; ``attempts_left`` is empty when attempts are unlimited."""
        t = self.translator
        last, best = clamp_score(last, possible), clamp_score(best, possible)
        left = max(self.max_attempts - self.attempts, 0)
        return {
            "this_attempt": t.ngettext("This attempt: {earned} of {possible} point",
                                       "This attempt: {earned} of {possible} points", possible).format(
                earned=last, possible=possible),
            "best": t.ngettext("Best score: {earned} of {possible} point",
                               "Best score: {earned} of {possible} points", possible).format(
                earned=best, possible=possible),
            "attempts_left": t.ngettext("{left} attempt left of {total}.", "{left} attempts left of {total}.",
                                        left).format(left=left, total=self.max_attempts) if self.max_attempts else "",
        }

    # ------------------------------------------------------------------ reports

    def generate_report_data(self, user_state_iterator, limit_responses=None):
        """One row per learner for the Instructor Dashboard's Problem Responses report."""
        row = self.report_row_maker()
        for count, user_state in enumerate(user_state_iterator):
            if limit_responses is not None and count >= limit_responses:
                return
            yield user_state.username, row(user_state.state)

    def report_row_maker(self):
        """A function from one learner's stored state to their report columns (blocks define it)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ grades and completion

    def publish_grade(self, earned: float, possible: float) -> None:
        """Publish a grade, never above its maximum (nor below 0)."""
        self.runtime.publish(self, "grade", {"value": clamp_score(earned, possible), "max_value": possible})

    def publish_completion(self, completion: float) -> None:
        self.runtime.publish(self, "completion", {"completion": completion})

