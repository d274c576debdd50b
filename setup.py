"""Packaging for free2link-xblocks (Open edX XBlocks and course tooling)."""

import re
from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent
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
            "translations/*/LC_MESSAGES/*.mo",
        ],
    },
    python_requires=">=3.11",
    install_requires=[
        # XBlock 5.2 is Open edX Ulmo's; 6.2+ bundles web_fragments itself.
        "XBlock>=5.2,<7",
        "web-fragments>=2.2; python_version<'3.12'",
        "lxml>=4.9",
        "Django>=4.2,<6",
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
