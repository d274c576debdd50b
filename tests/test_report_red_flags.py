"""``free2link report`` on red-flags exercises: per exercise the flags spotted and missed and the false alarms,
and which red flags the class missed, from the problem responses report's columns of ``f2l_red_flags``.

The fixture is a small responses report as the platform writes it for a course with red flags and a quiz
(one file, the union of the blocks' columns); the expected figures are worked out by hand in the comments.
"""

import csv
import json

import pytest
from lxml import html as lxml_html

from free2link_xblocks.cli import main
from free2link_xblocks.core.report import build_report
from free2link_xblocks.report.course_structure import bundled

COLUMNS = ["username", "title", "location", "Attempts", "Best score", "Max score", "Last score",
           "Spotted red flags", "Missed red flags", "False alarms", "Spotted ids", "Missed ids", "False alarm count",
           "False alarm phrase ids", "Last answer correct", "Ticked indicators", "Missed indicators", "Ticked ids",
           "block_key", "state"]
FLAGS = ("pay", "pay_later", "whatsapp_only", "passport", "no_contract", "hurry")  # m2_hotel_job_flags, in order


def key(language: str, block_type: str, block_id: str) -> str:
    return f"block-v1:Free2Link+ETRAF101+2026_{language}+type@{block_type}+block@{block_id}"


def flag_row(username, language, spotted, false_alarms, attempts=1):
    labels = dict(run_labels(language))
    missed = [f for f in FLAGS if f not in spotted]
    answered = attempts > 0
    return {"username": username, "title": "Red flags in the hotel job advert",
            "location": "Course > Module 2 > Practice > Red flags: the hotel job in Germany > Red flags",
            "Attempts": attempts, "Best score": max(0, len(spotted) - false_alarms) if answered else "",
            "Max score": 6, "Last score": max(0, len(spotted) - false_alarms) if answered else "",
            "Spotted red flags": " | ".join(labels[f] for f in spotted) if answered else "",
            "Missed red flags": " | ".join(labels[f] for f in missed) if answered else "",
            "Spotted ids": " ".join(spotted) if answered else "", "Missed ids": " ".join(missed) if answered else "",
            "False alarm count": false_alarms if answered else "",
            "block_key": key(language, "f2l_red_flags", "m2_hotel_job_flags"), "state": "{}"}


LABELS = {  # the flags' text in the course (vertical/m2_red_flags_hotel_job.xml and locale/it.po)
    "en": {"pay": "You earn 2,500 euro a month, no experience and no German needed.",
           "pay_later": "We pay your bus ticket and your room, you pay us back from your salary.",
           "whatsapp_only": "Contact Max on WhatsApp only.",
           "passport": "Send me a photo of your passport today, so I can book the bus.",
           "no_contract": "The name of the hotel is not important, you sign the contract when you arrive.",
           "hurry": "The bus leaves on Sunday and there are only two places left. Don’t tell anybody at your advice "
                    "desk, they only make problems."},
    "it": {"pay": "Guadagni 2.500 euro al mese, senza esperienza e senza sapere il tedesco.",
           "pay_later": "Ti paghiamo il biglietto del pullman e la stanza, poi ci restituisci tutto dallo stipendio.",
           "whatsapp_only": "Contatta Max solo su WhatsApp.",
           "passport": "Mandami oggi una foto del passaporto, così ti prenoto il pullman.",
           "no_contract": "Il nome dell’hotel non è importante, il contratto lo firmi quando arrivi.",
           "hurry": "Il pullman parte domenica e sono rimasti solo due posti. Non dirlo a nessuno allo sportello, "
                    "creano solo problemi."},
}


def run_labels(language):
    return LABELS[language]


def write(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, COLUMNS, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def responses(tmp_path):
    return write(tmp_path / "Free2Link_ETRAF101_2026_en_student_state_from_block.csv", [
        flag_row("ana", "en", ["pay", "pay_later", "passport", "whatsapp_only", "no_contract"], 1),  # missed hurry
        flag_row("ben", "en", ["pay", "passport"], 0),  # missed pay_later whatsapp_only no_contract hurry
        flag_row("cleo", "it", list(FLAGS), 2),  # another language run of the same exercise
        flag_row("dan", "en", [], 0, attempts=0),  # opened, never submitted: not counted
        {"username": "eve", "title": "The care job in a Telegram group", "Attempts": 1, "Best score": 3,
         "Max score": 9, "Last score": 3, "Missed ids": "hurry pay", "Missed indicators": "Hurry | Pay",
         "Ticked ids": "passport", "Last answer correct": "no",
         "block_key": key("en", "f2l_indicator_quiz", "m2_care_job_telegram"), "state": "{}"},
    ])


def test_the_class_means_and_missed_flags_come_from_the_exercises_columns(responses):
    report = build_report([("responses", responses)])
    [row] = report.red_flags
    assert (row.title, row.answered) == ("Red flags in the hotel job advert", 3)  # ana, ben, cleo; dan never answered
    assert row.spotted == pytest.approx((5 + 2 + 6) / 3)
    assert row.missed == pytest.approx((1 + 4 + 0) / 3)
    assert row.false_alarms == pytest.approx((1 + 0 + 2) / 3)
    english = run_labels("en")
    missed = {(r.label, r.count, r.total) for r in report.missed_flags}
    assert missed == {(english["hurry"], 2, 3), (english["pay_later"], 1, 3), (english["whatsapp_only"], 1, 3),
                      (english["no_contract"], 1, 3)}
    assert report.missed_flags[0].label == english["hurry"]  # most often missed first
    # the quiz's row counts for the quiz only, although it shares the "Missed ids" column
    assert [(r.block, r.count) for r in report.missed] == [("The care job in a Telegram group", 1)] * 2
    kinds = {b.title: (b.kind, b.opened, b.completed) for b in report.blocks}
    assert kinds["Red flags in the hotel job advert"] == ("red_flags", 4, 3)


def structure_labels(language):
    run = next(r for r in bundled() if r["language"] == language)
    return next(b for m in run["modules"] for b in m["blocks"] if b["id"] == "m2_hotel_job_flags")["labels"]


def test_the_shipped_structure_names_the_flags_as_each_language_of_the_course_does():
    assert structure_labels("en") == LABELS["en"] and structure_labels("it") == LABELS["it"]


def test_a_report_in_italian_names_the_missed_flags_as_the_italian_course_does(responses):
    report = build_report([("responses", responses)], structures=bundled(), language="it")
    assert report.missed_flags[0].label == LABELS["it"]["hurry"]
    assert report.red_flags[0].title == "Campanelli d’allarme nell’annuncio di lavoro in hotel"


def test_the_html_page_and_the_csv_files_show_the_red_flags(responses, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["report", "--responses", str(responses), "--out", str(out)]) == 0
    with open(out / "red_flags.csv", encoding="utf-8-sig", newline="") as stream:
        [exercise] = list(csv.DictReader(stream))
    assert exercise == {"Exercise": "Red flags in the hotel job advert", "Learners who answered": "3",
                        "Red flags spotted (average)": "4.3", "Red flags missed (average)": "1.7",
                        "False alarms (average)": "1.0"}
    with open(out / "missed_red_flags.csv", encoding="utf-8-sig", newline="") as stream:
        missed = list(csv.DictReader(stream))
    assert [(row["Red flag"], row["Missed by"], row["Share (%)"]) for row in missed][0] == (
        run_labels("en")["hurry"], "2", "66.7")
    page = lxml_html.fromstring((out / "report.html").read_text(encoding="utf-8"))
    headings = [h.text_content() for h in page.iter("h2")]
    assert "Red-flag exercises" in headings and "Red flags the class missed" in headings
    assert page.get_element_by_id("red_flags") is not None
    assert [a.get("href") for a in page.iter("a") if a.get("href") == "#missed_red_flags"]  # in the contents
    types = [td.text_content() for td in page.xpath('//table[caption[@id="blocks-caption"]]//td')]
    assert "Red-flag exercise" in types


def test_a_report_without_red_flags_has_no_red_flags_section(tmp_path):
    path = write(tmp_path / "responses.csv", [{
        "username": "eve", "title": "Quiz", "Attempts": 1, "Best score": 3, "Max score": 9, "Missed ids": "a",
        "Missed indicators": "A", "block_key": key("en", "f2l_indicator_quiz", "q"), "state": "{}"}])
    out = tmp_path / "out"
    assert main(["report", "--responses", str(path), "--out", str(out)]) == 0
    assert not (out / "red_flags.csv").exists() and not (out / "missed_red_flags.csv").exists()
    assert "Red flags the class missed" not in (out / "report.html").read_text(encoding="utf-8")


def test_a_false_alarm_count_that_is_not_a_number_is_named_and_left_out(tmp_path):
    row = flag_row("ana", "en", ["pay"], 0)
    row["False alarm count"] = "many"
    path = write(tmp_path / "responses.csv", [row, flag_row("ben", "en", ["pay", "hurry"], 3)])
    report = build_report([("responses", path)])
    [exercise] = report.red_flags
    assert exercise.answered == 2 and exercise.false_alarms == pytest.approx(3 / 2)
    assert [(source, p.message()) for source, p in report.problems] == [
        (str(path), 'column "False alarm count" is not a number; that value was left out')]
    assert [p.line for _source, p in report.problems] == [2]


def test_red_flag_rows_read_from_the_learner_state_alone_count_progress_only(tmp_path):
    state = json.dumps({"attempts": 1, "best_earned": 4.0, "answers": [["u1", "u3"]]})
    path = tmp_path / "responses.csv"
    quoted = state.replace('"', '""')
    path.write_text("username,title,block_key,state\n"
                    f'ana,Red flags,{key("en", "f2l_red_flags", "m2_hotel_job_flags")},"{quoted}"\n', encoding="utf-8")
    report = build_report([("responses", path)])
    [block] = report.blocks
    assert (block.kind, block.opened, block.completed) == ("red_flags", 1, 1)
    assert report.red_flags == [] or report.red_flags[0].answered == 0
    assert report.missed_flags == []
