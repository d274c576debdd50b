"""tutor-contrib-free2link: free2link-xblocks in the openedx image, its settings, and `do import-free2link`."""
from importlib.resources import files

import click

from tutor import env as tutor_env
from tutor import hooks

from . import __version__

TEMPLATES = str(files("tutorfree2link") / "templates")

hooks.Filters.CONFIG_DEFAULTS.add_items([
    ("FREE2LINK_VERSION", __version__),
    # A git ref (branch, tag) installs from FREE2LINK_GIT_REPOSITORY (your clone's URL) instead of the version.
    ("FREE2LINK_GIT_REPOSITORY", ""),
    ("FREE2LINK_GIT_REF", ""),
    ("FREE2LINK_PIP_REQUIREMENT", "{% if FREE2LINK_GIT_REF %}free2link-xblocks[validate] @ "
                                  "git+{{ FREE2LINK_GIT_REPOSITORY }}@{{ FREE2LINK_GIT_REF }}"
                                  "{% else %}free2link-xblocks[validate]=={{ FREE2LINK_VERSION }}{% endif %}"),
    # The language runs `do import-free2link` imports: language -> run id (course-v1:Free2Link+ETRAF101+<run>).
    ("FREE2LINK_RUNS", {"en": "2026_en", "it": "2026_it", "el": "2026_el", "pl": "2026_pl"}),
    # Where the image keeps the course archives it built (`free2link build`), which the import job reads.
    ("FREE2LINK_TARBALLS", "/openedx/venv/share/free2link/dist"),
    # xAPI: the package registers its transformers itself (an lms/cms plugin app) wherever event routing is
    # installed, as the Aspects plugin does ("auto", "on"); "off" writes FREE2LINK_XAPI = False, which stops it
    # (`--set FREE2LINK_XAPI=off` arrives as YAML's false).
    ("FREE2LINK_XAPI", "auto"),
])

hooks.Filters.ENV_TEMPLATE_ROOTS.add_item(TEMPLATES)
# templates/free2link/** -> $(tutor config printroot)/env/plugins/free2link/**
hooks.Filters.ENV_TEMPLATE_TARGETS.add_item(("free2link", "plugins"))

hooks.Filters.ENV_PATCHES.add_items([
    # The python-requirements stage: only /openedx/venv is copied on to the final image, so the course archives
    # built here go under it. The wheel build compiles the interface catalogues (.mo) itself.
    ("openedx-dockerfile-post-python-requirements", """# free2link-xblocks (tutor-contrib-free2link)
RUN --mount=type=cache,target=/openedx/.cache/pip,sharing=shared \\
    pip install '{{ FREE2LINK_PIP_REQUIREMENT }}'
{% if FREE2LINK_GIT_REF -%}
RUN git clone --depth 1 --branch '{{ FREE2LINK_GIT_REF }}' '{{ FREE2LINK_GIT_REPOSITORY }}' /tmp/free2link-source
{%- else -%}
RUN --mount=type=cache,target=/openedx/.cache/pip,sharing=shared \\
    pip download --no-deps --no-binary free2link-xblocks --dest /tmp/free2link-sdist \\
      'free2link-xblocks=={{ FREE2LINK_VERSION }}' \\
    && mkdir /tmp/free2link-source && tar -xzf /tmp/free2link-sdist/*.tar.gz -C /tmp/free2link-source --strip-components=1
{%- endif %}
RUN test -n "$(find /openedx/venv/lib -path '*/free2link_xblocks/translations/*/text.mo' | head -n 1)" \\
    && free2link build /tmp/free2link-source/courses/* --out '{{ FREE2LINK_TARBALLS }}' \\
    && rm -rf /tmp/free2link-source /tmp/free2link-sdist
"""),
    ("openedx-common-settings", """{% if FREE2LINK_XAPI|string|lower in ["off", "false"] -%}
# free2link-xblocks (tutor-contrib-free2link): our xAPI transformers are not registered
FREE2LINK_XAPI = False
{%- endif %}
"""),
])

# Our blocks report completion, which the LMS records only while this waffle switch is on.
hooks.Filters.CLI_DO_INIT_TASKS.add_item((
    "lms", "./manage.py lms waffle_switch completion.enable_completion_tracking on --create"))


@click.command("import-free2link", help="Import (or update) the Free2Link course runs in FREE2LINK_RUNS.")
def import_free2link():
    yield ("cms", tutor_env.read_template_file("free2link", "jobs", "import-free2link.sh"))


hooks.Filters.CLI_DO_COMMANDS.add_item(import_free2link)
