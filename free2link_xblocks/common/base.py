"""What every Free2Link block shares: rendering, translation, static files, roles, grading.

The blocks themselves stay thin: they map XBlock fields to the pure core and back.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import re
from functools import cache

from django.template import Context, Engine
from web_fragments.fragment import Fragment
from xblock.core import XBlock
from xblock.exceptions import DisallowedFileError, JsonHandlerError

PACKAGE = "free2link_xblocks"
COMMON_TEMPLATES = importlib.resources.files(PACKAGE).joinpath("common", "templates")
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
    # Set by each block: the python package holding its templates/ and static/.
    block_package = PACKAGE

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

    def fragment(self, html: str, css: list[str], js: str, init: str, init_args: dict) -> Fragment:
        frag = Fragment(html)
        for path in css:
            frag.add_css_url(self.runtime.local_resource_url(self, path))
        frag.add_javascript_url(self.runtime.local_resource_url(self, js))
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

    # ------------------------------------------------------------------ grades and completion

    def publish_grade(self, earned: float, possible: float) -> None:
        self.runtime.publish(self, "grade", {"value": earned, "max_value": possible})

    def publish_completion(self, completion: float) -> None:
        self.runtime.publish(self, "completion", {"completion": completion})

