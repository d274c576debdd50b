"""What every Free2Link block shares: rendering, translation, static files, roles, grading.

The blocks themselves stay thin: they map XBlock fields to the pure core and back.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import re
from functools import cache

from django.template import Context, Engine
from lxml import etree
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.exceptions import DisallowedFileError, JsonHandlerError
from xblock.fields import Scope

from ..core.content import content_version
from ..core.markup import parse_xml
from ..core.problems import ContentError
from ..core.settings import parse_setting
from .text import common_text

PACKAGE = "free2link_xblocks"
COMMON_TEMPLATES = importlib.resources.files(PACKAGE).joinpath("common", "templates")
MAX_OLX_CHARS = 2_000_000
# Served files: <block>/static/... of the block itself, or common/static/... shared by all.
_RESOURCE = re.compile(r"^(static|common/static)/(?:[\w-]+/)*[\w.-]+\.(css|js|png|svg|woff2)$")


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


class Translator:
    """gettext/ngettext over the runtime's i18n service (the LMS loads our text.mo into it)."""

    def __init__(self, service):
        self.service = service

    def gettext(self, message: str) -> str:
        if self.service is None:
            return message
        method = getattr(self.service, "gettext", None) or self.service.ugettext
        return method(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        if self.service is None:
            return singular if count == 1 else plural
        method = getattr(self.service, "ngettext", None) or self.service.ungettext
        return method(singular, plural, count)


def bad_request(message: str):
    """The one way our handlers refuse input: HTTP 400 with a readable message."""
    return JsonHandlerError(400, message)


@XBlock.needs("i18n")
@XBlock.wants("user")
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

    def texts(self) -> dict:
        if self._texts_cache is None:
            self._texts_cache = {**common_text(self.translator), **type(self).ui_text(self.translator)}
        return self._texts_cache

    # ------------------------------------------------------------------ translation

    @property
    def translator(self) -> Translator:
        return Translator(self.runtime.service(self, "i18n"))

    def _(self, message: str) -> str:
        return self.translator.gettext(message)

    # ------------------------------------------------------------------ rendering

    def render_template(self, name: str, context: dict) -> str:
        template = template_engine(self.block_package).get_template(name)
        return template.render(Context(context, autoescape=True, use_l10n=False))

    def dom_id(self) -> str:
        """A short id unique to this block on the page, for element ids and ARIA references."""
        return "f2l-" + hashlib.sha1(str(self.scope_ids.usage_id).encode()).hexdigest()[:10]

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
        if uri.startswith("common/"):
            root = importlib.resources.files(PACKAGE)
        else:
            root = importlib.resources.files(cls.block_package)
        return root.joinpath(uri).open("rb")

    # ------------------------------------------------------------------ content and OLX

    @property
    def content_xml(self) -> str:
        return getattr(self, self.content_field)

    @property
    def model(self):
        return type(self).load_content(self.content_xml)

    @property
    def version(self) -> str:
        return content_version(self.content_xml)

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
        block of this type in the course sources (``courses/``), in each course language."""
        folder = importlib.resources.files(cls.block_package).joinpath("workbench")
        scenarios = []
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.name.endswith(".xml"):
                xml = entry.read_text(encoding="utf-8")
                title = parse_xml(xml, entry.name).get("display_name") or entry.name
                scenarios.append((title, f"<vertical_demo>{xml}</vertical_demo>"))
        from ..course_tools import course_blocks  # the course tooling is not needed to render a block

        for title, xml in course_blocks(cls.block_type):
            scenarios.append((title, f"<vertical_demo>{xml}</vertical_demo>"))
        return scenarios

    # ------------------------------------------------------------------ Studio

    def studio_view(self, context=None):
        """Settings and the content's OLX; the server validates before anything is stored."""
        uid = self.dom_id()
        texts = self.texts()
        settings = []
        for setting in self.settings_spec:
            value = getattr(self, setting.name)
            settings.append({"name": setting.name, "kind": setting.kind, "value": "" if value is None else value,
                             "label": texts["settings"][setting.name][0], "help": texts["settings"][setting.name][1],
                             "choices": [(c, texts["settings"].get(f"{setting.name}.{c}", c)) for c in setting.choices]})
        html = self.render_template("studio.html", {
            "uid": uid, "t": texts, "settings": settings, "olx": self.content_xml, "summary": self.summary(self.model),
        })
        return self.fragment(html, css=["common/static/css/parts.css", "common/static/css/studio.css"],
                             js=["common/static/js/free2link.js", "common/static/js/studio.js"],
                             init="Free2LinkStudio", init_args={})

    def summary(self, model) -> str:
        """One line about the content, shown in the editor after each save (overridden by blocks)."""
        return ""

    @XBlock.json_handler
    def studio_submit(self, data, suffix=""):
        """Store new settings and content, all or nothing: every problem is reported, nothing saved."""
        _ = self._
        if not isinstance(data, dict):
            raise bad_request(_("The request must be a JSON object."))
        problems = []
        settings = {}
        for setting in self.settings_spec:
            value = parse_setting(setting, data.get(setting.name), problems)
            if value is not None:
                settings[setting.name] = value
        errors = [p.format(gettext=_) for p in problems]
        model = None
        olx = data.get("olx")
        if not isinstance(olx, str) or not olx.strip() or len(olx) > MAX_OLX_CHARS:
            errors.append(_("The OLX is missing or too long."))
        else:
            try:
                root = parse_xml(olx)
                model, content_problems = type(self).parse_content(root)
                errors.extend(p.format(gettext=_) for p in content_problems if p.is_error)
                misplaced = sorted(set(root.attrib) & {s.name for s in self.settings_spec})
                if misplaced:
                    errors.append(_("Set these settings in the fields above, not as attributes in the OLX: "
                                    "{names}.").format(names=", ".join(misplaced)))
            except ContentError as error:
                errors.extend(p.format(gettext=_) for p in error.problems)
        if errors:
            raise bad_request("\n".join(errors))  # one problem per line
        self.store_content(model, settings)
        return {"summary": _("Saved. {summary}").format(summary=self.summary(model))}

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

    def score_texts(self, last: int, best: int, possible: int) -> dict:
        """The score lines every block shows; ``attempts_left`` is empty when attempts are unlimited."""
        t = self.translator
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
        self.runtime.publish(self, "grade", {"value": earned, "max_value": possible})

    def publish_completion(self, completion: float) -> None:
        self.runtime.publish(self, "completion", {"completion": completion})

