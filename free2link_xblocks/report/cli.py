"""``free2link report``: completion and progress reports for trainers, from Instructor Dashboard downloads.

    free2link report [--grades F]... [--problem-grades F]... [--responses F]... [--statements F]... [--roster F]
                     [--pass-mark 0.6] [--modules F] [--salt S] [--identify] --out DIR

Writes ``DIR/report.html`` and one CSV file per table. Exit 0 when the report was written (even if
some lines were skipped: they are listed on stderr and in the page), 1 when nothing was usable.
"""

from __future__ import annotations

import datetime
import itertools
import os
import shutil
import sys
import tempfile
from pathlib import Path

from ..core.report import GRADES, PROBLEM_GRADES, RESPONSES, ROSTER, build_report, read_module_map
from ..core.report.readers import number
from ..core.report.structure import StructureError
from ..core.report.xapi_reader import responses_file_for
from ..i18n import cli_translation
from .course_structure import bundled, course_structure
from .csvout import write_problems, write_table
from .html import MAX_PROBLEMS_SHOWN, render
from .pseudonyms import Keyed, new_salt
from .tables import Identities, build_tables
from .text import report_text

SALT_VARIABLE = "FREE2LINK_REPORT_SALT"
MAX_PROBLEMS_PRINTED = 50


def add_parser(subcommands) -> None:
    report = subcommands.add_parser(
        "report", help="completion and progress report for trainers, from Instructor Dashboard CSV downloads",
        description="Read the Instructor Dashboard's CSV downloads (any subset, several course runs) and write "
                    "report.html and CSV tables into --out. Learners are pseudonymised unless --identify.")
    inputs = report.add_argument_group("inputs (each may be given several times, one per course run)")
    inputs.add_argument("--grades", action="append", default=[], metavar="FILE", help="grade report")
    inputs.add_argument("--problem-grades", action="append", default=[], metavar="FILE", help="problem grade report")
    inputs.add_argument("--responses", action="append", default=[], metavar="FILE",
                        help="problem responses report (includes our blocks' columns)")
    inputs.add_argument("--statements", action="append", default=[], metavar="FILE",
                        help="xAPI statements exported from the LRS, as JSON lines (read as a problem responses report)")
    inputs.add_argument("--roster", action="append", default=[], metavar="FILE",
                        help="the trainer's roster: username or email, organisation, country, cohort, training date")
    report.add_argument("--out", required=True, metavar="DIR", help="folder to write report.html and the CSV files")
    report.add_argument("--pass-mark", metavar="GRADE",
                        help="passed = grade at least this (0.6 or 60%%); default: the LMS's Certificate Eligible")
    report.add_argument("--modules", metavar="FILE",
                        help="CSV with columns item,module: which module a section, subsection, problem or "
                             "grade-report column counts under, in module order")
    report.add_argument("--course", action="append", default=[], metavar="PATH",
                        help="the course's structure, to merge its language runs by structure: the structure maps "
                             "free2link build writes beside the tarballs (a .structure.json file or the folder "
                             "holding them), or a course folder or .tar.gz; default: the Free2Link course's own")
    report.add_argument("--lang", default="en", metavar="LANG",
                        help="the language of module and block names when several language runs are merged "
                             "(default: en)")
    report.add_argument("--identify", action="store_true",
                        help="show usernames, emails and names (default: pseudonyms such as 'Learner 7F3A')")
    report.add_argument("--salt", metavar="TEXT",
                        help=f"secret that keeps pseudonyms the same from one report to the next (or set "
                             f"{SALT_VARIABLE}); default: a new random one each time")
    roster = report.add_argument_group("roster columns (default: usual names such as username/email, "
                                       "organisation, country, cohort, training date, name)")
    for field, flag in (("user", "user"), ("organisation", "org"), ("country", "country"), ("cohort", "cohort"),
                        ("training_date", "date"), ("name", "name")):
        roster.add_argument(f"--roster-{flag}-column", dest=f"roster_{field}", metavar="NAME")
    report.set_defaults(func=cmd_report)


def parse_pass_mark(text: str) -> float | None:
    """A fraction in (0, 1] (``0.6``) or a percentage in (0, 100] (``60%``) as a fraction; None otherwise.
    ``1.5`` or ``150%`` is refused rather than read as 1.5 %."""
    text = text.strip()
    percent = text.endswith("%")
    value = number(text[:-1] if percent else text)
    if value is None:
        return None
    if percent:
        return value / 100 if 0 < value <= 100 else None
    return value if 0 < value <= 1 else None


def _inputs(args) -> list[tuple[str, str]]:
    return ([(GRADES, f) for f in args.grades] + [(PROBLEM_GRADES, f) for f in args.problem_grades]
            + [(RESPONSES, f) for f in args.responses] + [(ROSTER, f) for f in args.roster])


def _salt(args) -> bytes:
    given = args.salt or os.environ.get(SALT_VARIABLE)
    return given.encode("utf-8") if given else new_salt()


def cmd_report(args) -> int:
    t = cli_translation()
    with tempfile.TemporaryDirectory(prefix="free2link-statements-") as folder:
        return _report(args, t, folder)


def _report(args, t, folder) -> int:
    inputs, statement_problems = _inputs(args), []
    for source in args.statements:  # LRS statements become problem-responses rows the core reads as it reads those
        converted, problems = responses_file_for(source, folder)
        inputs.append((RESPONSES, str(converted)))
        statement_problems.extend(problems)
    if not inputs:
        print(t.gettext("Nothing to report: give at least one file with --grades, --problem-grades, --responses, "
                        "--statements or --roster."), file=sys.stderr)
        return 1
    pass_mark = None
    if args.pass_mark is not None:
        pass_mark = parse_pass_mark(args.pass_mark)
        if pass_mark is None:
            print(t.gettext("--pass-mark must be a fraction above 0 and at most 1 (for example 0.6) or a percentage "
                            "above 0 and at most 100 (for example 60%); “{value}” is neither.").format(
                value=args.pass_mark), file=sys.stderr)
            return 1
    modules, module_problems = read_module_map(args.modules) if args.modules else ([], [])
    module_problems = module_problems + statement_problems
    roster_columns = {field: getattr(args, f"roster_{field}") for field in
                      ("user", "organisation", "country", "cohort", "training_date", "name")}
    structures = _structures(args, t)
    if structures is None:
        return 1
    salt = _salt(args)
    # the pseudonyms' digests are made as the rows are read, where they are read in order
    data = build_report(inputs, pass_mark=pass_mark, modules=modules, roster_columns=roster_columns,
                        structures=structures, language=args.lang, key_digest=Keyed(salt).prefixes)
    try:
        return _write(args, t, data, ProblemLines(module_problems, data.problems, t.gettext), salt)
    finally:
        data.close()


def _structures(args, t) -> list[dict] | None:
    """The structure maps of ``--course`` (None after a message if one cannot be read), else the bundled ones."""
    if not args.course:
        return bundled()
    maps = []
    for given in args.course:
        try:
            maps += course_structure(Path(given), t)
        except StructureError as exc:
            print(exc.problem.format(given, t.gettext), file=sys.stderr)
            return None
    languages = {run.get("language") for run in maps}
    if args.lang not in languages and languages - {""}:
        print(t.gettext("--lang {lang}: the course structure has no run in that language (it has: {languages})."
                        ).format(lang=args.lang, languages=", ".join(sorted(lang for lang in languages if lang))),
              file=sys.stderr)
        return None
    return maps


class ProblemLines:
    """Every problem as a line ``file:line: message``, made as it is printed or written (there may be many)."""

    def __init__(self, first: list, log, gettext):
        self.first, self.log, self.gettext = first, log, gettext

    def __len__(self) -> int:
        return len(self.first) + len(self.log)

    def __iter__(self):
        for source, problem in itertools.chain(self.first, self.log):
            yield problem.format(source, self.gettext)


def _write(args, t, data, problems, salt: bytes) -> int:
    _print_problems(problems, t)
    if not len(data.learners):
        print(t.gettext("Nothing usable was found in the input: no report was written."), file=sys.stderr)
        return 1
    try:
        path = write_report(data, Path(args.out), t, salt, args.identify, problems)
    except OSError as exc:
        print(t.gettext("Cannot write the report into {folder}: {reason}").format(
            folder=args.out, reason=exc.strerror or exc), file=sys.stderr)
        return 1
    learners = len(data.learners)
    print(t.ngettext("Report written to {path}: {count} learner.", "Report written to {path}: {count} learners.",
                     learners).format(path=path, count=learners), file=sys.stderr)
    return 0


def _print_problems(problems, t) -> None:
    for line in itertools.islice(problems, MAX_PROBLEMS_PRINTED):
        print(line, file=sys.stderr)
    if len(problems) > MAX_PROBLEMS_PRINTED:
        print(report_text(t)["more_problems"].format(count=len(problems) - MAX_PROBLEMS_PRINTED), file=sys.stderr)


def write_report(data, folder: Path, t, salt: bytes, identify: bool, problems: list[str]) -> Path:
    """Write report.html and the CSV files into ``folder``; return the page's path.

    Everything is written into a temporary folder beside ``folder`` first and moved into place only when
    all of it was written, so that a failure leaves ``folder`` as it was (a previous week's report stays whole).
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        names = _write_files(data, staging, t, salt, identify, problems)
        _move_into_place(staging, folder, names)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder / "report.html"


def _move_into_place(staging: Path, folder: Path, names: list[str]) -> None:
    """Move the written files into ``folder``, all or none: a file replaced is put back if a later one fails."""
    if not folder.exists():
        staging.rename(folder)  # one step
        staging.mkdir()  # for the caller's clean-up
        return
    backup = staging / ".previous"
    backup.mkdir()
    moved = []
    try:
        for name in names:
            target = folder / name
            if target.exists() or target.is_symlink():
                if target.is_dir() and not target.is_symlink():
                    raise IsADirectoryError(21, os.strerror(21), str(target))
                os.replace(target, backup / name)
            moved.append(name)
            os.replace(staging / name, target)
    except OSError:
        for name in reversed(moved):
            if (folder / name).exists() and not (staging / name).exists():
                os.replace(folder / name, staging / name)
            if (backup / name).exists():
                os.replace(backup / name, folder / name)
        raise


def _write_files(data, folder: Path, t, salt: bytes, identify: bool, problems: list[str]) -> list[str]:
    """Write report.html and every CSV file into ``folder``; return their names."""
    text = report_text(t)
    identities = Identities(data, text, salt, identify)
    tables = build_tables(data, text, identities)
    csv_files = []
    for table in tables.values():
        write_table(folder / f"{table.name}.csv", table, text)
        csv_files.append(f"{table.name}.csv")
    write_problems(folder / "problems.csv", problems, text)
    csv_files.append("problems.csv")
    notes = [_pass_note(data, text),
             text["identified"] if identify else text["pseudonymised"].format(
                 example=text["learner"].format(code="7F3A")),
             text["started_rule"]]
    more = text["more_problems"].format(count=max(0, len(problems) - MAX_PROBLEMS_SHOWN))
    info = getattr(t, "info", None)  # a gettext catalogue's header names its language
    language = ((info() if info else None) or {}).get("language") or "en"
    page = render(tables, data, text, language, datetime.date.today().isoformat(), notes, problems, more, csv_files)
    (folder / "report.html").write_text(page, encoding="utf-8")
    return [*csv_files, "report.html"]


def _pass_note(data, text) -> str:
    if data.pass_rule == "mark":
        return text["pass_mark"].format(mark=f"{data.pass_mark * 100:.0f}%")
    if data.pass_rule == "certificate":
        return text["pass_certificate"]
    return text["pass_unknown"]
