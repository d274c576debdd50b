"""``free2link``: the command line for course teams and trainers.

    free2link validate FILE...     check scenario and indicator-quiz XML files (exit 1 on errors)
    free2link i18n extract         refresh free2link_xblocks/translations/text.pot
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .core import quiz, scenario
from .core.markup import local_name, parse_xml
from .core.problems import ContentError

VALIDATORS = {scenario.ROOT_TAG: scenario.parse_scenario_element, quiz.ROOT_TAG: quiz.parse_quiz_element}


def _blocks(root):
    """The Free2Link blocks in a file: the root itself, or those inside a vertical."""
    if local_name(root) in VALIDATORS:
        return [root]
    return [e for e in root.iter() if isinstance(e.tag, str) and local_name(e) in VALIDATORS]


def validate_file(path: Path) -> tuple[list[str], int]:
    """Return the report lines for one file and how many errors it has."""
    source = str(path)
    try:
        root = parse_xml(path.read_bytes(), source)
    except OSError as exc:
        return [f"{source}: cannot read the file: {exc.strerror}"], 1
    except ContentError as exc:
        return [p.format(source) for p in exc.problems], len(exc.problems)
    blocks = _blocks(root)
    if not blocks:
        return [f"{source}: no Free2Link block found (expected {' or '.join(f'<{t}>' for t in VALIDATORS)})"], 1
    lines, errors = [], 0
    for element in blocks:
        _model, problems = VALIDATORS[local_name(element)](element)
        lines.extend(p.format(source) for p in problems)
        errors += sum(1 for p in problems if p.is_error)
    return lines, errors


def cmd_validate(args) -> int:
    total = 0
    for name in args.paths:
        lines, errors = validate_file(Path(name))
        for line in lines:
            print(line)
        total += errors
    checked = len(args.paths)
    if total:
        print(f"{total} error(s) in {checked} file(s)", file=sys.stderr)
        return 1
    print(f"{checked} file(s) OK", file=sys.stderr)
    return 0


def cmd_i18n_extract(args) -> int:
    from .i18n_tools import POT_PATH, write_pot

    count = write_pot()
    print(f"{count} messages written to {POT_PATH}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="free2link", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check scenario and indicator-quiz XML files")
    validate.add_argument("paths", nargs="+", metavar="FILE")
    validate.set_defaults(func=cmd_validate)
    i18n = commands.add_parser("i18n", help="translation catalogues of the blocks' interface")
    i18n_commands = i18n.add_subparsers(dest="i18n_command", required=True)
    i18n_commands.add_parser("extract", help="refresh translations/text.pot from the code").set_defaults(
        func=cmd_i18n_extract)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
