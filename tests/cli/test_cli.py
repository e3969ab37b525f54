from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from assistant.cli import cli
from assistant.settings import Settings
from tests.support import cli_command


def test_check_passes_on_a_valid_corpus(runner: CliRunner, corpus_dir: Path) -> None:
    result = runner.invoke(cli, ["--corpus", str(corpus_dir), "check"])
    assert result.exit_code == 0
    assert "23 entries in 6 sections, OK" in result.output


def test_check_lists_every_problem_and_exits_1(runner: CliRunner, corpus_dir: Path) -> None:
    (corpus_dir / "projects.yaml").write_text(
        "entries:\n  - id: x\n    title: X\n    text: Too short.\n    updated: 2026-01-01\n"
        "  - id: y\n    year: twenty\n"
    )
    result = runner.invoke(cli, ["--corpus", str(corpus_dir), "check"])
    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert any("entry 1 'x': field 'text'" in e for e in errors)
    assert any("entry 2 'y': field 'year' must be an integer, got 'twenty'" in e for e in errors)
    assert "Traceback" not in result.output


def test_help_shows_examples(runner: CliRunner) -> None:
    for command in ("build", "ask", "fit", "eval", "serve", "check"):
        result = runner.invoke(cli, [command, "--help"])
        assert result.exit_code == 0 and "Example" in result.output


def run_cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(settings, *args),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.model
def test_build_ask_and_follow_up_across_processes(model_settings: Settings, real_assistant) -> None:  # type: ignore[no-untyped-def]
    build = run_cli(model_settings, "build")
    assert build.returncode == 0, build.stderr
    assert "up to date" in build.stderr
    first = run_cli(
        model_settings, "ask", "--session", "cli-s1", "Tell me about the QSR Integration Platform"
    )
    assert first.returncode == 0 and "Sources:" in first.stdout and "[1]" in first.stdout
    # Another process, the same session: the follow-up resolves against the stored turn.
    second = run_cli(
        model_settings, "ask", "--session", "cli-s1", "--json", "How much revenue did it unlock?"
    )
    body = json.loads(second.stdout)
    assert "10% revenue increase" in body["answer"]
    assert body["citations"][0]["id"] == "projects/qsr-integration-platform"


@pytest.mark.model
def test_invalid_corpus_stops_build_with_exit_1(
    model_settings: Settings, tmp_path: Path, real_assistant
) -> None:  # type: ignore[no-untyped-def]
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(model_settings.corpus_dir, corpus)
    (corpus / "about.yaml").write_text("entries:\n  - id: 1\n")
    broken = Settings(corpus_dir=corpus, instance_dir=model_settings.instance_dir)
    result = run_cli(broken, "build")
    assert result.returncode == 1
    assert "about.yaml: entry 1: field 'id' must be a string" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("ASSISTANT_RATE_LIMIT_PER_MINUTE", "abc", "ASSISTANT_RATE_LIMIT_PER_MINUTE: cannot read"),
        ("ASSISTANT_REQUEST_DEADLINE_SECONDS", "soon", "ASSISTANT_REQUEST_DEADLINE_SECONDS"),
        ("ASSISTANT_EMBEDDER", "gpu", "embedder must be 'onnx' or 'torch'"),
        ("ASSISTANT_TRUSTED_PROXIES", "-1", "trusted_proxies must be >= 0"),
    ],
)
def test_bad_settings_in_the_environment_are_one_clear_error(
    runner: CliRunner, corpus_dir: Path, variable: str, value: str, message: str
) -> None:
    result = runner.invoke(cli, ["--corpus", str(corpus_dir), "check"], env={variable: value})
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_settings_are_read_from_the_environment() -> None:
    from assistant.settings import settings_from_env

    settings = settings_from_env(
        {
            "ASSISTANT_ALLOWED_ORIGINS": "https://a.example, https://b.example",
            "ASSISTANT_RATE_LIMIT_PER_DAY": "7",
            "ASSISTANT_MODEL_RETRY_SECONDS": "2.5",
        },
        corpus_dir=Path("elsewhere"),
    )
    assert settings.allowed_origins == ("https://a.example", "https://b.example")
    assert settings.rate_limit_per_day == 7 and settings.model_retry_seconds == 2.5
    assert settings.corpus_dir == Path("elsewhere")


@pytest.mark.model
def test_match_reads_a_file_or_stdin(
    model_settings: Settings, real_assistant, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    job = (
        "Requirements\n- Experience with event-driven architecture\n- Experience with Kubernetes\n"
    )
    (tmp_path / "job.txt").write_text(job)
    printed = run_cli(model_settings, "fit", str(tmp_path / "job.txt"))
    assert printed.returncode == 0, printed.stderr
    assert "2 requirements: 1 evidenced, 0 partial, 1 not found" in printed.stdout
    assert "[x] Experience with event-driven architecture" in printed.stdout
    assert "[ ] Experience with Kubernetes" in printed.stdout
    piped = subprocess.run(
        # `match`, the command's earlier name, still works.
        cli_command(model_settings, "match", "--json", "-"),
        input=job,
        capture_output=True,
        text=True,
        timeout=300,
    )
    report = json.loads(piped.stdout)
    assert [r["verdict"] for r in report["requirements"]] == ["evidenced", "not_found"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "must not be empty"),
        (b" \n\t ", "must not be empty"),
        (b"%PDF-1.7\n\xe2\xe3\xcf\xd3\x00\xff", "not UTF-8 text"),
        (b"a" * 80_001, "larger than 80,000 bytes"),
        (("- x " * 5_001).encode(), "at most 20,000 characters"),
        (b"Benefits\n- Dental insurance\n", "no requirements found"),
    ],
)
def test_fit_refuses_bad_input_with_one_line(
    runner: CliRunner, built: Settings, data: bytes, message: str
) -> None:
    result = runner.invoke(
        cli,
        ["--corpus", str(built.corpus_dir), "--instance", str(built.instance_dir), "fit", "-"],
        input=data,
    )
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
