"""`ldpub serve` refuses bad settings and inputs with one clear line and exit code 2."""

from __future__ import annotations

import socket


def add_serve_table(project, text: str) -> None:
    config = project / "ldpub.toml"
    config.write_text(config.read_text(encoding="utf-8") + "\n[serve]\n" + text + "\n", encoding="utf-8")


def test_wrong_setting_type_names_the_file_and_the_fix(run_cli, project_copy):
    add_serve_table(project_copy, 'query_timeout = "fast"')
    code, _, stderr = run_cli("--project", str(project_copy), "serve")
    assert code == 2
    assert "ldpub.toml" in stderr and "[serve] query_timeout = 'fast' is not seconds, more than 0" in stderr


def test_unknown_setting_suggests_the_nearest(run_cli, project_copy):
    add_serve_table(project_copy, "max_result = 10")
    code, _, stderr = run_cli("--project", str(project_copy), "serve")
    assert code == 2
    assert "unknown setting 'max_result'" in stderr and "did you mean 'max_results'?" in stderr


def test_folder_without_a_build_is_explained(run_cli, project_copy, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, stderr = run_cli("--project", str(project_copy), "serve", "--from", str(empty), "--port", "0")
    assert code == 2
    assert "no dataset.nt or dataset.ttl here" in stderr


def test_port_in_use_is_one_clear_line(run_cli, project_copy, built):
    _, out = built
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, _, stderr = run_cli("--project", str(project_copy), "serve", "--from", str(out), "--port", str(port))
    assert code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in stderr and "Traceback" not in stderr


def test_nonconforming_data_is_not_served(run_cli, project_copy):
    path = project_copy / "data" / "pledges.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("confidence: 0.9", "confidence: 1.5", 1), encoding="utf-8")
    code, _, stderr = run_cli("--project", str(project_copy), "serve", "--port", "0")
    assert code == 1
    assert "'confidence' must be one number from 0 to 1" in stderr and "not serving" in stderr
