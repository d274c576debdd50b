"""The it, el, pl and bg catalogues: complete, well-formed, loaded the way the LMS loads them, and used everywhere."""

import gettext
import io
import re
import shutil
import subprocess
import sys
import zipfile

import pytest
from lxml import html as lxml_html
from xblock.runtime import NullI18nService

from free2link_xblocks import i18n
from free2link_xblocks.i18n_tools import LANGUAGES, extract, parse_po, po_path, untranslated

from .test_blocks_i18n import AUTHOR_CONTENT, _select, quiz_views, scenario_views

PLACEHOLDER = re.compile(r"\{\w+\}")


def same_as_english(language: str) -> set[str]:
    """Messages a translator deliberately left as in English (e.g. Italian "Feedback", "No")."""
    entries = parse_po(po_path(language).read_text(encoding="utf-8"))
    return {msgid for msgid, value in entries.items() if msgid and value == msgid}


@pytest.fixture(scope="module")
def messages():
    return extract()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_translated(language, messages):
    entries = parse_po(po_path(language).read_text(encoding="utf-8"))
    assert untranslated(entries, messages) == [], f"run `free2link i18n extract` and translate {po_path(language)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    wrong = []
    for msgid, value in parse_po(po_path(language).read_text(encoding="utf-8")).items():
        wanted = set(PLACEHOLDER.findall(msgid))
        for form in (value if isinstance(value, list) else [value]):
            if msgid and set(PLACEHOLDER.findall(form)) != wanted:
                wrong.append((msgid, form))
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_catalogue_compiles_with_msgfmt(language):
    if not shutil.which("msgfmt"):
        pytest.fail("gettext's msgfmt is missing (scripts/install-test-deps installs it)")
    result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po_path(language))],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_polish_has_three_plural_forms_and_uses_them():
    polish = i18n.catalogue("pl")
    forms = [polish.ngettext("{left} attempt left of {total}.", "{left} attempts left of {total}.", n)
             for n in (1, 2, 5, 22, 25)]
    assert len({forms[0], forms[1], forms[2]}) == 3
    assert forms[3] == forms[1] and forms[4] == forms[2]  # 22 like 2, 25 like 5


def ui_text(markup: str) -> set[str]:
    """The interface's own text segments (author content removed), each stripped."""
    tree = lxml_html.fromstring(f"<div>{markup}</div>")
    for selector in AUTHOR_CONTENT:
        for element in _select(tree, selector):
            element.drop_tree()
    segments = {t.strip() for t in tree.itertext()}
    for element in tree.iter():
        segments.update(v for k, v in element.attrib.items() if k.startswith("data-msg") or k == "aria-label")
    return {s for s in segments if re.search(r"[^\W\d_]{2,}", s)}


@pytest.mark.parametrize("views", [scenario_views, quiz_views], ids=["scenario", "quiz"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_view_is_in_the_language_with_no_english_left(language, views):
    english = [ui_text(markup) for markup in views(NullI18nService())]
    translated = [ui_text(markup) for markup in views(i18n.CatalogueI18nService(language))]
    assert len(english) == len(translated)
    same = same_as_english(language)
    for number, (before, after) in enumerate(zip(english, translated, strict=True)):
        left_in_english = {s for s in after & before if s not in same}
        assert left_in_english == set(), f"view {number} in {language}"
        assert not [s for s in after if PLACEHOLDER.search(s)], f"unfilled placeholder in view {number}"


def test_the_cli_speaks_the_shells_language(tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text(open("tests/data/hostess.xml", encoding="utf-8").read().replace('strength="medium"', 'strength="x"', 1))
    env = {"LANGUAGE": "it", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "free2link_xblocks.cli", "validate", str(bad)], capture_output=True,
                            text=True, env=env)
    italian = i18n.catalogue("it")
    assert result.returncode == 1
    assert italian.gettext("indicator {id}").format(id="pay") in result.stdout
    assert italian.ngettext("{count} error in {files}", "{count} errors in {files}", 1).split("{")[0] in result.stderr


def test_the_built_package_carries_compiled_catalogues(tmp_path):
    """What the LMS installs: a wheel whose translations/<lang>/LC_MESSAGES/text.mo load with gettext."""
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), "."],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    wheel = next(tmp_path.glob("free2link_xblocks-*.whl"))
    with zipfile.ZipFile(wheel) as archive:
        for language in LANGUAGES:
            name = f"free2link_xblocks/translations/{language}/LC_MESSAGES/text.mo"
            archive.extract(name, tmp_path / "unpacked")
        root = tmp_path / "unpacked" / "free2link_xblocks" / "translations"
        greek = gettext.translation("text", str(root), ["el"])
        assert greek.gettext("Try again") == i18n.catalogue("el").gettext("Try again") != "Try again"


@pytest.mark.parametrize("language", LANGUAGES)
def test_our_compiler_agrees_with_msgfmt(language, messages, tmp_path):
    """The build compiles with Babel, without gettext's tools; its .mo must translate exactly as msgfmt's does."""
    from free2link_xblocks.i18n_tools import compile_mo

    if not shutil.which("msgfmt"):
        pytest.fail("gettext's msgfmt is missing (scripts/install-test-deps installs it)")
    reference = tmp_path / "reference.mo"
    subprocess.run(["msgfmt", "-o", str(reference), str(po_path(language))], check=True)
    theirs = gettext.GNUTranslations(reference.open("rb"))
    ours = gettext.GNUTranslations(io.BytesIO(compile_mo(po_path(language).read_text("utf-8"))))
    for message in messages.values():
        if message.plural is None:
            assert ours.gettext(message.msgid) == theirs.gettext(message.msgid)
        else:
            for n in (0, 1, 2, 5, 22):
                assert ours.ngettext(message.msgid, message.plural, n) == theirs.ngettext(message.msgid, message.plural, n)


def test_merging_keeps_translations_adds_new_strings_and_drops_obsolete_ones():
    from free2link_xblocks.i18n_tools import Message, Plural, render_catalogue

    old = {"Save": "Salva", "Gone": "Sparito", "{n} file": Plural(["{n} file", "{n} file"], "{n} files")}
    now = {"Save": Message("Save", places=["a.py:1"]), "New": Message("New", places=["a.py:2"]),
           "{n} file": Message("{n} file", "{n} files", ["a.py:3"])}
    merged = parse_po(render_catalogue(now, "it", old))
    assert merged["Save"] == "Salva" and merged["New"] == "" and "Gone" not in merged
    assert merged["{n} file"] == ["{n} file", "{n} file"] and merged["{n} file"].plural == "{n} files"


def test_a_message_with_a_context_is_kept_apart_from_the_same_text_without_one():
    text = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
            'msgid "Open"\nmsgstr "Apri"\n\n'
            'msgctxt "state"\nmsgid "Open"\nmsgstr "Aperto"\n\n'
            '#, fuzzy\nmsgid "Close"\nmsgstr "Chiudi"\n')
    entries = parse_po(text)
    assert entries["Open"] == "Apri" and entries["state\x04Open"] == "Aperto" and "Close" not in entries
    from free2link_xblocks.i18n_tools import compile_mo

    compiled = gettext.GNUTranslations(io.BytesIO(compile_mo(text)))
    assert compiled.gettext("Open") == "Apri" and compiled.pgettext("state", "Open") == "Aperto"
    assert compiled.gettext("Close") == "Close"  # fuzzy: not used until a translator confirms it
