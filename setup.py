"""Packaging for free2link-xblocks (Open edX XBlocks and course tooling)."""

import importlib.util
import re
import sys
from pathlib import Path

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent


class BuildWithCatalogues(build_py):
    """Compile translations/<lang>/LC_MESSAGES/text.po into text.mo inside the build, where the LMS reads it.

    The compiler is our own standard-library module, so no gettext tools are needed on the build machine.
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
    license="Apache-2.0",
    packages=find_packages(include=["free2link_xblocks", "free2link_xblocks.*"]),
    include_package_data=True,
    package_data={
        "free2link_xblocks": [
            "*/templates/*.html",
            "*/static/css/*.css",
            "*/static/js/*.js",
            "*/workbench/*.xml",
            "translations/*/LC_MESSAGES/*.po",
            "report/*.structure.json",
            "translations/*/LC_MESSAGES/*.mo",
        ],
    },
    cmdclass={"build_py": BuildWithCatalogues},
    python_requires=">=3.11",
    install_requires=[
        # XBlock 5.2 is Open edX Ulmo's; 6.2+ bundles web_fragments itself.
        "XBlock>=5.2,<7",
        "web-fragments>=2.2; python_version<'3.12'",
        "lxml>=4.9",
        "Django>=4.2,<6",
        "edx-opaque-keys>=2.5",  # the report reads usage keys as the platform writes them
    ],
    extras_require={
        "validate": ["olxcleaner==0.3.0"],
    },
    entry_points={
        "xblock.v1": [
            "f2l_scenario = free2link_xblocks.scenario.block:ScenarioBlock",
            "f2l_indicator_quiz = free2link_xblocks.indicator_quiz.block:IndicatorQuizBlock",
        ],
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
        "License :: OSI Approved :: Apache Software License",
    ],
)
