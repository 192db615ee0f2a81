"""Failures an operator must hear about: one line with the cause and the fix, a non-zero exit.

Real parts: the CLI in a subprocess, an SMTP server that refuses (aiosmtpd) or a closed port,
an archive that cannot be written, the S3 API server (moto) without the bucket or without
credentials.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from archiver.testing import LocalSite
from tests.support.alerts import SmtpSink, free_port

PAGE = "<h1>合作机构名单</h1><table><tr><th>序号</th><th>合作机构名称</th></tr>{rows}</table>"


def page(*names: str) -> str:
    rows = "".join(f"<tr><td>{i}</td><td>{n}</td></tr>" for i, n in enumerate(names, 1))
    return PAGE.format(rows=rows)


def archiver(
    config: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        env=env,
    )


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def write(tmp_path: Path, storage: str, url: str = "https://bank.example/list.html") -> Path:
    path = tmp_path / "sites.yaml"
    path.write_text(
        f"""
storage: {storage}
state_dir: {tmp_path / "var"}
network: {{allow_private: true}}
sites:
  - {{id: bank, name: 银行, url: "{url}"}}
""",
        encoding="utf-8",
    )
    return path


# --- the store -----------------------------------------------------------------------------------


@pytest.fixture
def unwritable(tmp_path: Path) -> Path:
    """An archive path that cannot be created, even by root: its parent is a file."""
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file, not a directory", encoding="utf-8")
    return write(tmp_path, f"{{kind: local, path: {blocker / 'archive'}}}")


@pytest.mark.slow  # starts the archiver as a process: an integration test
@pytest.mark.parametrize("command", [["check"], ["run"], ["config", "check", "--probe"]])
def test_an_unwritable_archive_stops_before_any_check(
    unwritable: Path, command: list[str]
) -> None:
    result = archiver(unwritable, *command)
    line = one_line(result.stderr) if command[0] != "config" else result.stdout
    assert result.returncode == 3, result.stderr
    assert "存档" in line and "Not a directory" in line
    assert "解决：" in line


@pytest.mark.s3
def test_a_missing_bucket_says_to_create_it(tmp_path: Path, s3_endpoint: str) -> None:
    bucket = f"missing-{uuid.uuid4().hex[:8]}"
    config = write(tmp_path, f"{{kind: s3, bucket: {bucket}, endpoint_url: '{s3_endpoint}'}}")
    env = {
        **os.environ,
        "ARCHIVER_S3_ACCESS_KEY_ID": "testing",
        "ARCHIVER_S3_SECRET_ACCESS_KEY": "testing",
    }
    result = archiver(config, "check", env=env)
    assert result.returncode == 3
    line = one_line(result.stderr)
    assert "NoSuchBucket" in line or "does not exist" in line
    assert f"先创建存储桶 {bucket}" in line
    probe = archiver(config, "config", "check", "--probe", env=env)
    assert probe.returncode == 3
    assert f"✗ 存档：cannot write s3://{bucket}/" in probe.stdout


@pytest.mark.s3
def test_missing_s3_credentials_name_the_variables(tmp_path: Path, s3_endpoint: str) -> None:
    config = write(tmp_path, f"{{kind: s3, bucket: any, endpoint_url: '{s3_endpoint}'}}")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "ARCHIVER_S3_"))}
    env.update(
        HOME=str(tmp_path),
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    result = archiver(config, "run", env=env)
    assert result.returncode == 3
    line = one_line(result.stderr)
    assert "Unable to locate credentials" in line
    assert "ARCHIVER_S3_ACCESS_KEY_ID" in line


@pytest.mark.slow  # starts the archiver as a process: an integration test
def test_debug_shows_the_traceback(unwritable: Path) -> None:
    result = archiver(unwritable, "--debug", "check")
    assert result.returncode != 0
    assert "Traceback" in result.stderr


# --- alerts ------------------------------------------------------------------------------------


def smtp_config(tmp_path: Path, site: LocalSite, port: int) -> Path:
    path = tmp_path / "sites.yaml"
    path.write_text(
        f"""
storage: {{kind: local, path: {tmp_path / "archive"}}}
state_dir: {tmp_path / "var"}
network: {{allow_private: true}}
alerts:
  email:
    from: archiver@example.org
    to: [compliance@example.org]
    smtp: {{host: 127.0.0.1, port: {port}, starttls: false}}
  retry: {{quick_attempts: 1, quick_wait: 0s}}
sites:
  - {{id: bank, name: 银行, url: "{site.url("/list.html")}"}}
""",
        encoding="utf-8",
    )
    return path


@pytest.mark.browser
@pytest.mark.smtp
@pytest.mark.parametrize("server", ["refusing", "closed"])
def test_undelivered_alerts_exit_4_and_say_so(
    tmp_path: Path, local_site: LocalSite, server: str
) -> None:
    local_site.page("/list.html", page("蚂蚁智信（杭州）信息技术有限公司"))
    sink = (
        SmtpSink(answer=lambda n: "554 5.7.1 refused by policy") if server == "refusing" else None
    )
    port = sink.port if sink else free_port()
    config = smtp_config(tmp_path, local_site, port)
    if sink:
        sink.start()
    try:
        first = archiver(config, "check")
        assert first.returncode == 0, first.stderr  # a first version has no partner news
        local_site.page(
            "/list.html", page("蚂蚁智信（杭州）信息技术有限公司", "上海淇毓信息科技有限公司")
        )
        second = archiver(config, "check")
        probe = archiver(config, "config", "check", "--probe")
    finally:
        if sink:
            sink.stop()
    assert second.returncode == 4, second.stderr
    assert "Traceback" not in second.stderr
    assert "告警：1 条未送达" in second.stderr
    assert "archiver outbox flush" in second.stderr
    assert ("554" in second.stderr) if sink else ("cannot reach 127.0.0.1" in second.stderr)
    assert "检查 1 项：有变化 1" in second.stdout
    assert probe.returncode == (0 if sink else 4), probe.stdout
    if not sink:
        assert "✗ 告警邮件：cannot reach" in probe.stdout


# --- the printed link ----------------------------------------------------------------------------


@pytest.mark.s3
def test_publish_prints_an_index_link_that_opens(
    tmp_path: Path, s3_endpoint: str, s3_bucket: str
) -> None:
    """In a private bucket the printed link is the presigned index itself, and it answers."""
    import urllib.request

    config = write(tmp_path, f"{{kind: s3, bucket: {s3_bucket}, endpoint_url: '{s3_endpoint}'}}")
    env = {
        **os.environ,
        "ARCHIVER_S3_ACCESS_KEY_ID": "testing",
        "ARCHIVER_S3_SECRET_ACCESS_KEY": "testing",
    }
    result = archiver(config, "publish", env=env)
    assert result.returncode == 0, result.stderr
    link = next(
        line.removeprefix("index: ") for line in result.stdout.splitlines() if "index: " in line
    )
    assert link.split("?", 1)[0].endswith("/public/index.html")
    assert "X-Amz-Signature=" in link.split("?", 1)[1]
    assert "index.html" not in link.split("?", 1)[1]
    with urllib.request.urlopen(link, timeout=30) as response:
        assert response.status == 200
        assert "<h1>互联网助贷合作机构名单档案</h1>" in response.read().decode()
