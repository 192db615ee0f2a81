"""The real servers the cluster tests run on start, answer, survive a restart and stop."""

from __future__ import annotations

import psycopg
import pytest
import redis

from tests.support.services import PostgresServer, RedisServer


@pytest.mark.redis
def test_redis_server_answers_and_keeps_its_data_across_a_restart(
    redis_server: RedisServer,
) -> None:
    client = redis.Redis.from_url(redis_server.url)
    client.set("kept", "yes")
    client.close()
    redis_server.restart()
    client = redis.Redis.from_url(redis_server.url)
    try:
        assert client.get("kept") == b"yes"
    finally:
        client.close()


@pytest.mark.redis
def test_a_killed_redis_server_refuses_connections(redis_server: RedisServer) -> None:
    redis_server.kill()
    client = redis.Redis.from_url(redis_server.url, socket_connect_timeout=1)
    try:
        with pytest.raises(redis.ConnectionError):
            client.ping()
    finally:
        client.close()


@pytest.mark.postgres
def test_each_postgres_database_is_new_and_empty(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    with psycopg.connect(postgres_url) as connection:
        connection.execute("CREATE TABLE kept (value text)")
        connection.execute("INSERT INTO kept VALUES ('中文')")
        rows = connection.execute("SELECT value FROM kept").fetchall()
    assert rows == [("中文",)]
    other = postgres_server.create_database("t_other_empty")
    with psycopg.connect(other) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    assert tables == (0,)
