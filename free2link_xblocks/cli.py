"""``free2link``: the command line for course teams and trainers.

    free2link validate FILE...     check scenario and indicator-quiz XML files (exit 1 on errors)
    free2link i18n extract         refresh translations/text.pot and merge it into every language's text.po
    free2link i18n compile         compile every text.po into text.mo (the build does this too)

Messages follow the shell's language (LANGUAGE, LC_ALL, LANG), e.g. ``LANGUAGE=it free2link validate ...``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .core import quiz, scenario
from .core.markup import local_name, parse_xml
from .core.problems import ContentError
from .i18n import cli_translation

VALIDATORS = {scenario.ROOT_TAG: scenario.parse_scenario_element, quiz.ROOT_TAG: quiz.parse_quiz_element}


def _blocks(root):
    """The Free2Link blocks in a file: the root itself, or those inside a vertical."""
    if local_name(root) in VALIDATORS:
        return [root]
    return [e for e in root.iter() if isinstance(e.tag, str) and local_name(e) in VALIDATORS]


def validate_file(path: Path, translation=None) -> tuple[list[str], int]:
    """Return the report lines for one file and how many errors it has."""
    t = translation or cli_translation()
    source = str(path)
    try:
        root = parse_xml(path.read_bytes(), source)
    except OSError as exc:
        return [t.gettext("{source}: cannot read the file: {reason}").format(source=source, reason=exc.strerror)], 1
    except ContentError as exc:
        return [p.format(source, t.gettext) for p in exc.problems], len(exc.problems)
    blocks = _blocks(root)
    if not blocks:
        return [t.gettext("{source}: no Free2Link block found (expected {tags})").format(
            source=source, tags=", ".join(f"<{tag}>" for tag in VALIDATORS))], 1
    lines, errors = [], 0
    for element in blocks:
        _model, problems = VALIDATORS[local_name(element)](element)
        lines.extend(p.format(source, t.gettext) for p in problems)
        errors += sum(1 for p in problems if p.is_error)
    return lines, errors


def cmd_validate(args) -> int:
    t = cli_translation()
    total = 0
    for name in args.paths:
        lines, errors = validate_file(Path(name), t)
        for line in lines:
            print(line)
        total += errors
    checked = len(args.paths)
    files = t.ngettext("{count} file", "{count} files", checked).format(count=checked)
    if total:
        print(t.ngettext("{count} error in {files}", "{count} errors in {files}", total).format(
            count=total, files=files), file=sys.stderr)
        return 1
    print(t.gettext("{files}: OK").format(files=files), file=sys.stderr)
    return 0


def cmd_i18n_extract(args) -> int:
    from .i18n_tools import POT_PATH, update_catalogues

    missing = update_catalogues()
    print(f"updated {POT_PATH} and the catalogues; untranslated: "
          + ", ".join(f"{lang} {count}" for lang, count in missing.items()), file=sys.stderr)
    return 0


def cmd_i18n_compile(args) -> int:
    from .i18n_tools import compile_catalogues

    for path in compile_catalogues():
        print(f"compiled {path}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="free2link", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check scenario and indicator-quiz XML files")
    validate.add_argument("paths", nargs="+", metavar="FILE")
    validate.set_defaults(func=cmd_validate)
    i18n = commands.add_parser("i18n", help="translation catalogues of the blocks' interface")
    i18n_commands = i18n.add_subparsers(dest="i18n_command", required=True)
    i18n_commands.add_parser("extract", help="refresh text.pot and merge it into every text.po").set_defaults(
        func=cmd_i18n_extract)
    i18n_commands.add_parser("compile", help="compile every text.po into text.mo").set_defaults(
        func=cmd_i18n_compile)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
