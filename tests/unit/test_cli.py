"""The command line as a user runs it: a real process, real files, exit codes and messages."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

INTAKES = Path(__file__).parent.parent / "golden" / "intakes"


def run(
    *args: str, stdin: str | None = None, columns: int = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backcare", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={"COLUMNS": str(columns), "PATH": "/usr/bin:/bin"},
    )


def words(text: str) -> set[str]:
    """The words a report shows, wherever its lines were wrapped."""
    return {word.strip(",;:.()") for word in text.replace("│", " ").replace("┃", " ").split()}


@pytest.mark.parametrize("path", sorted(INTAKES.glob("*.yaml")), ids=lambda p: p.stem)
def test_an_80_column_report_never_cuts_a_title_or_a_source_mid_word(path):
    report = run("assess", str(path), columns=80)
    assert report.returncode == 0, report.stderr
    assert max(len(line) for line in report.stdout.splitlines()) <= 80
    shown = words(report.stdout)
    snapshot = path.parent.parent / "assessments" / f"{path.stem}.json"
    assessment = json.loads(snapshot.read_text(encoding="utf-8"))
    for finding in assessment["findings"]:
        for word in finding["title"].split():
            assert word.strip(",;:.()") in shown, (finding["rule"], word)
        assert finding["rule"] in shown
        assert set(finding["sources"]) <= shown, finding["rule"]
    plan = assessment["plan"]
    if plan:
        assert set(plan["sources"]) <= shown
        assert f"{plan['frequency']['text']}," in report.stdout.replace("\n", " ")


def test_assess_prints_a_readable_report():
    result = run("assess", str(INTAKES / "heparin-and-bruise.yaml"))
    assert result.returncode == 0, result.stderr
    assert "MODIFY" in result.stdout
    assert "Takes an anticoagulant" in result.stdout
    assert "Mid back, left" in result.stdout


def test_assess_json_is_the_spec_assessment():
    result = run("assess", "--json", str(INTAKES / "saddle-and-bowel.yaml"))
    assert result.returncode == 0, result.stderr
    assessment = json.loads(result.stdout)
    assert assessment["decision"] == "emergency"
    assert assessment["knowledge_version"]


def test_assess_reads_json_from_standard_input():
    intake = {"client": {"age": 44}, "conditions": [{"id": "flu"}]}
    result = run("assess", "--json", "-", stdin=json.dumps(intake))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["decision"] == "postpone"


def test_invalid_input_exits_2_with_one_line_per_problem_and_no_traceback(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "client: {age: 200}\nred_flags: {saddle_numbnes: true}\npain: {regions: [lowback]}\n"
    )
    result = run("assess", str(bad))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3
    assert any(line.startswith("error: client.age: 200 is out of range") for line in lines)
    assert any(line.startswith("error: red_flags.saddle_numbnes: unknown field") for line in lines)
    assert any(line.startswith("error: pain.regions: unknown region 'lowback'") for line in lines)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        ("client: [", "broken.yaml", "error: FILE: is not valid YAML"),
        ("{", "broken.json", "error: FILE: is not valid JSON"),
        (
            "client: {age: 40}\npreferences: {modalities: [reiki]}\n",
            "pref.yaml",
            "error: preferences.modalities[0]: unknown modality 'reiki'; allowed: swedish",
        ),
    ],
)
def test_unreadable_or_unknown_input_is_a_clear_error(tmp_path, content, name, message):
    path = tmp_path / name
    path.write_text(content)
    result = run("assess", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.stderr


def test_a_missing_file_is_a_clear_error():
    result = run("assess", "/nonexistent/intake.yaml")
    assert result.returncode == 2
    assert "cannot read /nonexistent/intake.yaml" in result.stderr


def test_kb_list_show_search_and_check():
    listed = run("kb", "list", "modalities")
    assert listed.returncode == 0
    assert "deep_tissue" in listed.stdout
    shown = run("kb", "show", "high blood pressure")
    assert shown.returncode == 0
    assert "hypertension" in shown.stdout
    assert "Decision by status" in shown.stdout
    found = run("kb", "search", "tennis ball")
    assert found.returncode == 0
    assert "tennis_ball_wall" in found.stdout
    checked = run("kb", "check")
    assert checked.returncode == 0
    assert "consistent" in checked.stdout


def test_kb_rejects_an_unknown_kind_or_id():
    assert run("kb", "list", "spells").returncode == 2
    missing = run("kb", "show", "no-such-thing")
    assert missing.returncode == 2
    assert "no entry 'no-such-thing'" in missing.stderr


@pytest.mark.parametrize("args", [("assess",), ("bogus",), ("assess", "--bogus", "x")])
def test_usage_errors_exit_2_without_a_traceback(args):
    result = run(*args)
    assert result.returncode == 2
    assert "Usage: backcare" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_protocol_prints_timed_steps_and_draws_them(tmp_path):
    picture = tmp_path / "outline.svg"
    result = run(
        "protocol", "--json", "--svg", str(picture), str(INTAKES / "heparin-and-bruise.yaml")
    )
    assert result.returncode == 0, result.stderr
    outline = json.loads(result.stdout)
    assert outline["modality"]
    assert sum(step["minutes"] for step in outline["steps"]) == outline["total_minutes"] == 60
    assert {step["pressure"] for step in outline["steps"]} == {"light"}
    assert "mid_back_left" not in {step["region"] for step in outline["steps"]}
    assert picture.read_text().startswith("<svg")


def test_protocol_gives_the_decision_and_no_steps_when_massage_must_wait():
    result = run("protocol", "--json", str(INTAKES / "saddle-and-bowel.yaml"))
    assert result.returncode == 0, result.stderr
    outline = json.loads(result.stdout)
    assert (outline["decision"], outline["steps"], outline["total_minutes"]) == ("emergency", [], 0)
    report = run("protocol", str(INTAKES / "saddle-and-bowel.yaml"))
    assert "No session outline" in report.stdout


def test_serve_on_a_port_in_use_says_so_without_a_traceback(tmp_path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "backcare", "serve", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=120,
            env={"PATH": "/usr/bin:/bin", "BACKCARE_HOME": str(tmp_path), "HOME": str(tmp_path)},
        )
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "--port" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_report_acknowledges_a_request_the_screening_overrules(tmp_path):
    intake = tmp_path / "firm.yaml"
    intake.write_text(
        "client: {age: 50}\n"
        "pain: {regions: [low_back], duration_weeks: 20, intensity: 4, cause: posture}\n"
        "medications: [warfarin]\n"
        "preferences: {pressure: firm, modalities: [deep_tissue], sessions_per_month: 2}\n"
    )
    report = run("assess", str(intake), columns=80)
    assert report.returncode == 0, report.stderr
    text = " ".join(report.stdout.replace("│", " ").split())
    assert "You asked for firm pressure: the screening limits it to light" in text
    assert "You asked for Deep tissue massage: the screening rules it out" in text
    assert "2 a month" in text
