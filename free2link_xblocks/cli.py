"""``free2link``: the command line for course teams and trainers.

    free2link validate PATH...     check block XML files, OLX course folders and course .tar.gz (exit 1 on errors)
    free2link extract [COURSE...]  refresh each course's locale/course.pot and merge it into every <lang>.po
    free2link build [COURSE...] [--lang xx ...] [--out dist]
                                   write dist/<course>-<lang>.tar.gz, translated and validated
    free2link i18n extract         refresh translations/text.pot and merge it into every language's text.po
    free2link i18n compile         compile every text.po into text.mo (the build does this too)
    free2link report --out DIR ... completion and progress report for trainers from Instructor Dashboard CSVs

Messages follow the shell's language (LANGUAGE, LC_ALL, LANG), e.g. ``LANGUAGE=it free2link validate ...``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import course_tools
from .core import quiz, red_flags, scenario
from .core.markup import local_name, parse_xml
from .core.problems import ContentError
from .i18n import cli_translation
from .report import cli as report_cli

VALIDATORS = {scenario.ROOT_TAG: scenario.parse_scenario_element, quiz.ROOT_TAG: quiz.parse_quiz_element,
              red_flags.ROOT_TAG: red_flags.parse_red_flags_element}


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
        model, problems = VALIDATORS[local_name(element)](element)
        if local_name(element) == scenario.ROOT_TAG and not any(p.is_error for p in problems):
            # Outside a course: the default pass mark, and harmful paths are warnings.
            problems = problems + scenario.scenario_checks(model)
        lines.extend(p.format(source, t.gettext) for p in problems)
        errors += sum(1 for p in problems if p.is_error)
    return lines, errors


def validate_path(path: Path, t, language: str | None = None, ignore=()) -> tuple[list[str], int]:
    """A block XML file, or a course: a folder or a .tar.gz."""
    if path.is_dir() or not path.name.endswith(".xml"):
        report = course_tools.validate_course(path, t, language, ignore=ignore)
        return report.lines, report.errors
    return validate_file(path, t)


def print_verdict(t, total: int, checked: int) -> int:
    files = t.ngettext("{count} file", "{count} files", checked).format(count=checked)
    if total:
        print(t.ngettext("{count} error in {files}", "{count} errors in {files}", total).format(
            count=total, files=files), file=sys.stderr)
        return 1
    print(t.gettext("{files}: OK").format(files=files), file=sys.stderr)
    return 0


def cmd_validate(args) -> int:
    t = cli_translation()
    total = 0
    for name in args.paths:
        lines, errors = validate_path(Path(name), t, args.lang, args.ignore or ())
        for line in lines:
            print(course_tools.printable(line))  # names in archives and paths may hold terminal escapes
        total += errors
    return print_verdict(t, total, len(args.paths))


def _course_sources(t, names: list[str]) -> list[Path]:
    sources = [Path(n) for n in names] if names else course_tools.course_sources()
    for source in sources:
        if not (source / course_tools.SOURCE_FOLDER / "course.xml").is_file():
            raise course_tools.CourseInputError(t.gettext(
                "{path}: not a course source (expected {path}/course/course.xml)").format(path=source))
    if not sources:
        raise course_tools.CourseInputError(t.gettext("no course sources found in {path}").format(
            path=course_tools.courses_root()))
    return sources


def cmd_extract(args) -> int:
    t = cli_translation()
    try:
        for source in _course_sources(t, args.courses):
            missing = course_tools.extract(source, t)
            print(t.gettext("{path}: catalogues updated; untranslated: {counts}").format(
                path=course_tools.catalogue_path(source, None).parent,
                counts=", ".join(f"{lang} {count}" for lang, count in missing.items())), file=sys.stderr)
    except course_tools.CourseInputError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


def cmd_build(args) -> int:
    t = cli_translation()
    try:
        sources = _course_sources(t, args.courses)
    except course_tools.CourseInputError as error:
        print(error, file=sys.stderr)
        return 1
    languages = args.lang or [course_tools.SOURCE_LANGUAGE, *course_tools.COURSE_LANGUAGES]
    failed = 0
    for source in sources:
        for language in languages:
            tarball, report = course_tools.build(source, language, Path(args.out), t)
            for line in report.lines:
                print(line)
            if tarball is None:
                failed += 1
                print(t.gettext("{course} ({language}): not built, see the errors above").format(
                    course=source.name, language=language), file=sys.stderr)
            else:
                print(t.gettext("{course} ({language}): built {tarball}").format(
                    course=source.name, language=language, tarball=tarball), file=sys.stderr)
    return 1 if failed else 0


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


class Parser(argparse.ArgumentParser):
    """argparse, but a wrong argument exits with status 1 like every other failure (the README's promise),
    not argparse's 2; the usage and the message still go to stderr."""

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(1, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="free2link", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    validate = commands.add_parser("validate", help="check block XML files, OLX course folders and .tar.gz")
    validate.add_argument("paths", nargs="+", metavar="PATH")
    validate.add_argument("--lang", choices=course_tools.COURSE_LANGUAGES,
                          help="also check that the course's catalogue for this language is complete")
    validate.add_argument("--ignore", action="append", metavar="CHECK",
                          help="skip an olxcleaner check by name, e.g. InvalidSetting (repeatable), as Studio's "
                               "COURSE_OLX_VALIDATION_IGNORE_LIST does")
    validate.set_defaults(func=cmd_validate)
    extract = commands.add_parser("extract", help="refresh the course catalogues (locale/course.pot, <lang>.po)")
    extract.add_argument("courses", nargs="*", metavar="COURSE", help="courses/<name> folders (default: all)")
    extract.set_defaults(func=cmd_extract)
    build = commands.add_parser("build", help="write dist/<course>-<lang>.tar.gz for every language")
    build.add_argument("courses", nargs="*", metavar="COURSE", help="courses/<name> folders (default: all)")
    build.add_argument("--lang", action="append",
                       choices=[course_tools.SOURCE_LANGUAGE, *course_tools.COURSE_LANGUAGES],
                       help="build only this language (repeatable; default: en, it, el, pl)")
    build.add_argument("--out", default="dist", help="output folder (default: dist)")
    build.set_defaults(func=cmd_build)
    report_cli.add_parser(commands)
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
