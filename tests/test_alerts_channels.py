"""The embedded default (.eml files in the state directory) and Apprise chat channels, the
latter against a real webhook server on 127.0.0.1."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from email.policy import default
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from archiver.alerts.alerter import Alerter
from archiver.alerts.settings import AlertSettings
from archiver.config import Site
from archiver.errors import ConfigError
from archiver.models import Category, EventType, PartnerEvent, StoredVersion
from archiver.ports import ObjectStore
from tests.support import builders
from tests.support.alerts import make_alerter, write_version

# The alert tests' partners are platform operators, named exactly as given.
partner = functools.partial(builders.partner, category=Category.PLATFORM, fold=False)


SITE = Site(id="zhaolian-cfc", name="招联消费金融", url="https://www.mucfc.com/")
T0 = datetime(2025, 10, 1, 8, 0, tzinfo=UTC)
TOKEN = "T0KEN-secret-123"


def versions(store: ObjectStore) -> tuple[StoredVersion, StoredVersion]:
    first = write_version(store, SITE.id, partners=(partner("甲公司"),), captured_at=T0)
    added = "蚂蚁智信（杭州）信息技术有限公司"
    second = write_version(
        store,
        SITE.id,
        partners=(partner("甲公司"), partner(added)),
        events=(PartnerEvent(type=EventType.ADDED, name=added, match_key=added),),
        captured_at=T0 + timedelta(hours=1),
        previous=first,
    )
    return first, second


def test_without_smtp_mail_is_written_as_eml_files(
    local_store: ObjectStore, tmp_path: Path
) -> None:
    """The embedded default: an .eml under <state_dir>/outbox/ and a log line saying where."""
    alerter = make_alerter(
        AlertSettings(), local_store, tmp_path / "var", {}, lambda: T0, sites=[SITE]
    )
    first, second = versions(local_store)
    with capture_logs() as logs:
        alerter.on_version(SITE, second, first)
    files = sorted((tmp_path / "var" / "outbox").glob("*.eml"))
    assert len(files) == 1
    spooled = [e for e in logs if e["event"] == "alert_spooled"]
    assert spooled and spooled[0]["path"] == str(files[0])
    message = message_from_bytes(files[0].read_bytes(), policy=default)
    assert message["Subject"] == "[招联消费金融] 助贷合作机构名单变更：新增 1"
    assert "蚂蚁智信（杭州）信息技术有限公司" in message.get_body(("plain",)).get_content()
    assert alerter.deliver_pending(force=True).sent == 0
    assert len(list((tmp_path / "var" / "outbox").glob("*.eml"))) == 1


class Webhook:
    """A JSON webhook on 127.0.0.1 that records posts and can be told to fail."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.status = 200
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if hook.status == 200:
                    hook.posts.append({"path": self.path, **json.loads(body)})
                self.send_response(hook.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"json://{host!s}:{port}/hooks/{TOKEN}"


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    hook.thread.start()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


def chat_alerter(store: ObjectStore, tmp_path: Path, url: str, now: Any = lambda: T0) -> Alerter:
    settings = AlertSettings.model_validate({"email": {"enabled": False}})
    return make_alerter(
        settings,
        store,
        tmp_path / "var",
        {"ARCHIVER_APPRISE_URLS": f"team={url}"},
        now,
        sites=[SITE],
        sleep=lambda s: None,
    )


def test_a_partner_alert_is_posted_once_to_a_chat_channel(
    webhook: Webhook, local_store: ObjectStore, tmp_path: Path
) -> None:
    """Same outbox and idempotency as mail: one post per version, none after a restart."""
    first, second = versions(local_store)
    alerter = chat_alerter(local_store, tmp_path, webhook.url)
    alerter.on_version(SITE, second, first)
    assert len(webhook.posts) == 1
    post = webhook.posts[0]
    assert post["title"] == "[招联消费金融] 助贷合作机构名单变更：新增 1"
    assert "蚂蚁智信（杭州）信息技术有限公司" in post["message"]
    restarted = chat_alerter(local_store, tmp_path, webhook.url)
    restarted.on_version(SITE, second, first)
    assert restarted.deliver_pending(force=True).sent == 0
    assert len(webhook.posts) == 1


def test_a_failing_webhook_is_retried_and_its_secret_never_stored(
    webhook: Webhook, local_store: ObjectStore, tmp_path: Path
) -> None:
    """A 500 is a failure recorded for retry; the URL's token stays out of logs and outbox."""
    clock = {"now": T0}
    webhook.status = 500
    first, second = versions(local_store)
    alerter = chat_alerter(local_store, tmp_path, webhook.url, now=lambda: clock["now"])
    with capture_logs() as logs:
        alerter.on_version(SITE, second, first)
        assert webhook.posts == []
        webhook.status = 200
        clock["now"] = T0 + timedelta(minutes=2)
        assert alerter.deliver_pending().sent == 1
    assert len(webhook.posts) == 1
    assert any(e["event"] == "alert_failed" for e in logs)
    assert TOKEN not in repr(logs)
    stored = [local_store.get(key) for key in local_store.list("outbox/")]
    assert stored and all(TOKEN.encode() not in data for data in stored)
    assert TOKEN not in alerter.describe()


def test_an_unknown_chat_url_is_a_configuration_error(
    local_store: ObjectStore, tmp_path: Path
) -> None:
    """A URL Apprise cannot use is refused when the alerter is built."""
    with pytest.raises(ConfigError, match="Apprise does not understand this nonsense:// URL"):
        chat_alerter(local_store, tmp_path, "nonsense://x/y")
