"""Take the content brief's indicator codes and provisional-rating marks out of learner text (issue 17).

Learners read sources as short references in brackets, as the course's Sources unit explains:
"(R5; EMPACT 2022)" becomes "(EMPACT 2022)", "(R2)" disappears, and "medium, provisional
rating" becomes a hedged "by our estimate: medium". Module 4 keeps the codes: it teaches them as
labels (families, indicator list, case notes) and practises them; elsewhere the sentence already names
the sign, so the code only adds noise for learners who read in a second language on a phone.

The same change is made to the English source and to every catalogue, msgid and msgstr alike, so
that no translation is lost; it is safe to run again. Sentences that use a code as a noun ("that is
R4", "would be indicator C1") are left alone: rewrite those by hand, and the course tests
(test_learners_see_indicator_codes_only_where_module_4_teaches_them) list any that remain.
Usage: ``python scripts/learner_references.py courses/<course>``, then ``free2link validate --lang xx``.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

MODULE_TEACHING_CODES = "m4_"

CODE = r"[RCEDV]\d{1,2}"
WORDS = {  # the word "indicator(s)" before a code, "and" between codes, and the hedged rating
    "en": ("indicators?", "and", r": (medium|weak|strong), provisional rating\)", r"; by our estimate: \1)"),
    "it": ("indicator[ei]", "e", r": (medio|debole|forte), valutazione provvisoria\)",
           r"; secondo la nostra stima: \1)"),
    "el": ("δείκτ(?:ης|ες)", "και", r": (μέτριος|ασθενής|ισχυρός), προσωρινή διαβάθμιση\)",
           r"· κατά την εκτίμησή μας: \1)"),
    "pl": ("wskaźnik[i]?", "i", r": (średni|słaby|silny), ocena wstępna\)", r"; według naszej oceny: \1)"),
}


def code_part(language: str) -> re.Pattern:
    indicator, and_ = WORDS[language][:2]
    return re.compile(rf"^(?:{indicator} )?{CODE}(?:(?:, | {and_} |–| – ){CODE})*$")


def without_codes(text: str, language: str) -> str:
    pure_code = code_part(language)

    def bracket(match: re.Match) -> str:
        inside = match.group(2)
        if not re.search(rf"\b{CODE}\b", inside):
            return match.group(0)
        pieces = re.split(r"(; |· |, )", inside)  # Greek separates with the ano teleia
        kept, separator = [], ""
        for index in range(0, len(pieces), 2):
            part = pieces[index]
            if not pure_code.match(part):
                kept.append((separator if kept else "") + part)
            separator = pieces[index + 1] if index + 1 < len(pieces) else ""
        return f"{match.group(1)}({''.join(kept)})" if kept else ""

    return re.sub(r"(\s?)\(([^()]*)\)", bracket, text)


def hedged(text: str, language: str) -> str:
    pattern, replacement = WORDS[language][2:]
    return re.sub(pattern, replacement, text)


def learner_text(text: str, language: str, keep_codes: bool) -> str:
    text = hedged(text, language)
    return text if keep_codes else without_codes(text, language)


def rewrite_sources(course: Path) -> int:
    changed = 0
    for path in sorted((course / "course").rglob("*")):
        if path.suffix not in (".html", ".xml") or not path.is_file():
            continue
        old = path.read_text(encoding="utf-8")
        new = learner_text(old, "en", path.name.startswith(MODULE_TEACHING_CODES))
        if new != old:
            path.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def rewrite_catalogue(path: Path, language: str | None) -> int:
    changed, keep_codes, out = 0, False, []
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if line.startswith("#: "):
            places = [place.rpartition(":")[0].rpartition("/")[2] for place in line[3:].split()]
            keep_codes = all(place.startswith(MODULE_TEACHING_CODES) for place in places)
        elif line.startswith('msgid "') or (line.startswith('msgstr "') and language):
            new = learner_text(line, "en" if line.startswith("msgid") else language, keep_codes)
            changed += new != line
            line = new
        elif not line.strip():
            keep_codes = False
        out.append(line)
    path.write_text("".join(out), encoding="utf-8")
    return changed


def main(course: Path) -> None:
    print(f"{rewrite_sources(course)} source files changed")
    print(f"course.pot: {rewrite_catalogue(course / 'locale' / 'course.pot', None)} lines changed")
    for language in ("it", "el", "pl"):
        print(f"{language}.po: {rewrite_catalogue(course / 'locale' / f'{language}.po', language)} lines changed")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
