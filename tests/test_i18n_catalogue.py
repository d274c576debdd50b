"""The translation template is complete and well-formed, so translators get every string."""

import os
import shutil
import subprocess

import pytest

from free2link_xblocks.i18n_tools import POT_PATH, SOURCE_PO, extract, parse_po, render_catalogue, render_source_po


def without_generator(text: str) -> str:
    """A catalogue without the "Generated-By: Babel x.y" header line, which follows the Babel installed."""
    return "\n".join(line for line in text.splitlines() if not line.startswith('"Generated-By:'))


def test_the_committed_pot_matches_the_code():
    assert without_generator(POT_PATH.read_text(encoding="utf-8")) == without_generator(render_catalogue(extract())), (
        "translations/text.pot is out of date: run `free2link i18n extract`")


def test_the_oep58_source_catalogue_is_there_and_matches_the_code():
    """conf/locale/en/LC_MESSAGES/django.po, where openedx-atlas and Transifex look for the English source."""
    assert SOURCE_PO.relative_to(SOURCE_PO.parents[5]).as_posix() == "free2link_xblocks/conf/locale/en/LC_MESSAGES/django.po"
    text = SOURCE_PO.read_text(encoding="utf-8")
    assert without_generator(text) == without_generator(render_source_po(extract())), (
        "conf/locale/en/LC_MESSAGES/django.po is out of date: run `free2link i18n extract`")
    entries = parse_po(text)
    assert "Language: en" in entries[""] and set(entries) - {""} == set(extract())


def test_the_pot_has_the_plural_forms_and_placeholders():
    messages = extract()
    plural = messages["{left} attempt left of {total}."]
    assert plural.plural == "{left} attempts left of {total}."
    assert "Confirm my choice" in messages and "Chat on {platform}" in messages
    # validation messages of the core are marked too, so Studio can show them translated
    assert 'choice {choice} leads to "{target}", which does not exist' in messages


def test_the_pot_compiles_with_msgfmt():
    if not shutil.which("msgfmt"):
        message = "gettext's msgfmt is not installed (scripts/install-test-deps installs it)"
        pytest.fail(message) if os.environ.get("CI") else pytest.skip(message)
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(POT_PATH)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
