"""The free2link command line: validate scenario and indicator-quiz files."""

import subprocess
import sys

import pytest

from free2link_xblocks.cli import main

GOOD = open("tests/data/amira.xml", encoding="utf-8").read()


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_clean_file_exits_0(tmp_path, capsys):
    assert main(["validate", str(write(tmp_path, "ok.xml", GOOD))]) == 0
    assert "1 file: OK" in capsys.readouterr().err


def test_errors_are_listed_with_file_line_and_step_and_exit_1(tmp_path, capsys):
    bad = write(tmp_path, "bad.xml", GOOD.replace('next="s2"', 'next="s7"').replace('points="1"', 'points="-3"'))
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert f'{bad}:8: step s1: choice c1 leads to "s7", which does not exist' in out
    assert any(line.startswith(f"{bad}:19: step s2: points must be a whole number") for line in out), out


def test_scenarios_inside_a_vertical_are_found(tmp_path, capsys):
    vertical = write(tmp_path, "unit.xml", f'<vertical display_name="U">\n<html/>\n{GOOD}</vertical>')
    assert main(["validate", str(vertical)]) == 0


def test_malformed_xml_and_missing_files_are_errors_not_tracebacks(tmp_path, capsys):
    broken = write(tmp_path, "broken.xml", "<f2l_scenario>\n<step id='a'>\n</f2l_scenario>")
    assert main(["validate", str(broken), str(tmp_path / "missing.xml")]) == 1
    out = capsys.readouterr().out
    assert f"{broken}:3: not well-formed XML" in out
    assert "missing.xml: cannot read the file" in out


def test_the_console_script_is_installed():
    result = subprocess.run([sys.executable, "-m", "free2link_xblocks.cli", "validate", "tests/data/amira.xml"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_indicator_quizzes_are_validated_too(tmp_path, capsys):
    quiz = open("tests/data/hostess.xml", encoding="utf-8").read()
    good = write(tmp_path, "quiz.xml", quiz)
    bad = write(tmp_path, "bad_quiz.xml", quiz.replace('strength="medium"', 'strength="high"', 1))
    unit = write(tmp_path, "unit.xml", f"<vertical>\n{GOOD}\n{quiz}</vertical>")
    assert main(["validate", str(good), str(unit)]) == 0
    assert main(["validate", str(bad)]) == 1
    assert f'{bad}:7: indicator pay: strength must be one of strong, medium, weak, not "high"' in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["validate"], ["build", "--lang", "xx"], ["report", "--bogus"], ["nothing"], []])
def test_a_wrong_argument_exits_with_status_1_and_says_why(argv, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 1
    assert "error:" in capsys.readouterr().err
