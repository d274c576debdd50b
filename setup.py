"""Packaging for free2link-xblocks (Open edX XBlocks and course tooling)."""

import importlib.util
import re
import sys
from pathlib import Path

from setuptools import find_namespace_packages, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent


class BuildWithCatalogues(build_py):
    """Compile translations/<lang>/LC_MESSAGES/text.po into text.mo inside the build, where the LMS reads it.

    The compiler is Babel's (a build requirement, pyproject.toml), so no gettext tools are needed on the build
    machine; i18n_tools is loaded from its file because the package itself is not importable yet.
    """

    def run(self):
        super().run()
        spec = importlib.util.spec_from_file_location("f2l_i18n_tools", HERE / "free2link_xblocks" / "i18n_tools.py")
        tools = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = tools  # dataclasses look their module up while it loads
        spec.loader.exec_module(tools)
        if not self.dry_run:
            tools.compile_catalogues(Path(self.build_lib) / "free2link_xblocks" / "translations")


VERSION = re.search(r'__version__ = "([^"]+)"', (HERE / "free2link_xblocks" / "__init__.py").read_text()).group(1)

setup(
    name="free2link-xblocks",
    version=VERSION,
    description="Branching identification scenarios and indicator quizzes for Open edX (Free2Link e-trafficking training)",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="AGPL-3.0-only",
    license_files=["LICENSE"],
    # Templates, static files, workbench examples and catalogues live in folders without __init__.py:
    # listing them as (namespace) packages ships them and keeps setuptools quiet.
    packages=find_namespace_packages(include=["free2link_xblocks", "free2link_xblocks.*"],
                                     exclude=["*.__pycache__"]),
    package_data={"": ["*.html", "*.css", "*.js", "*.xml", "*.po", "*.pot", "*.mo", "*.structure.json"]},
    cmdclass={"build_py": BuildWithCatalogues},
    # 3.11.4: tarfile's extraction filters, which course archives are unpacked with.
    python_requires=">=3.11.4",
    install_requires=[
        # XBlock 5.2 is Open edX Ulmo's (and Teak's). XBlock 6.2+ (Python 3.12+) ships web_fragments inside its
        # own wheel, so a separate web-fragments there would be a second owner of the same files; XBlock 5.2-6.1
        # (all that install on Python 3.11) do not bundle it, so we name it for them.
        "XBlock>=5.2,<7",
        "web-fragments>=2.2; python_version<'3.12'",
        "lxml>=4.9",
        "Babel>=2.12",  # .po/.mo files: free2link i18n, extract and build
        "Django>=4.2,<6",
        "edx-opaque-keys>=2.5",  # the report reads usage keys as the platform writes them
    ],
    extras_require={
        "validate": ["olxcleaner==0.3.0"],
    },
    entry_points={
        "xblock.v1": [
            "f2l_scenario = free2link_xblocks.scenario_block:ScenarioBlock",
            "f2l_indicator_quiz = free2link_xblocks.indicator_quiz_block:IndicatorQuizBlock",
            "f2l_red_flags = free2link_xblocks.red_flags_block:RedFlagsBlock",
        ],
        # our xAPI transformers, registered with edx-event-routing-backends where it is installed
        "lms.djangoapp": ["free2link_analytics = free2link_xblocks.analytics.apps:Free2LinkAnalyticsConfig"],
        "cms.djangoapp": ["free2link_analytics = free2link_xblocks.analytics.apps:Free2LinkAnalyticsConfig"],
        "console_scripts": [
            "free2link = free2link_xblocks.cli:main",
        ],
    },
    classifiers=[
        "Framework :: Django",
        "Framework :: Django :: 4.2",
        "Framework :: Django :: 5.2",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
    ],
)
