"""Configuration: every problem reported at once, one line each, with file, line and field."""

from __future__ import annotations

import textwrap

import pytest
from pydantic import ValidationError

from archiver import config, durations
from archiver.config import InstitutionType
from archiver.errors import ConfigError

MINIMAL = """
storage: {kind: local, path: ./archive}
defaults: {every: 6h}
sites:
  - id: zhaolian-cfc
    name: 招联消费金融股份有限公司
    url: https://www.mucfc.com/news/
"""


def problems_of(text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        config.load(textwrap.dedent(text), path="sites.yaml")
    return caught.value.problems


def test_the_minimal_shape_from_the_issue_loads() -> None:
    settings = config.load(MINIMAL)
    site = settings.site("zhaolian-cfc")
    assert settings.storage.kind == "local"
    assert site.interval_s == 6 * 3600
    assert site.verified is False
    assert site.type is InstitutionType.OTHER


def test_s3_storage_loads_without_secrets() -> None:
    settings = config.load(
        "storage: {kind: s3, bucket: disclosures, prefix: cn/, "
        "endpoint_url: 'http://127.0.0.1:9000', region: us-east-1}\nsites: []\n"
    )
    assert settings.storage.kind == "s3"
    assert settings.storage.bucket == "disclosures"


def test_defaults_apply_to_sites_that_do_not_set_them() -> None:
    settings = config.load(
        """
defaults: {every: 2h, timeout: 20s, exclude: [".ad"]}
sites:
  - {id: a, name: A, url: "https://a.example/"}
  - {id: b, name: B, url: "https://b.example/", every: 30m, timeout: 5s}
  - {id: c, name: C, url: "https://c.example/", cron: "0 9 * * *"}
"""
    )
    a, b, c = settings.sites
    assert (a.interval_s, a.timeout, a.exclude) == (7200, 20, (".ad",))
    assert (b.interval_s, b.timeout) == (1800, 5)
    assert c.interval_s is None and c.cron == "0 9 * * *"


def test_every_problem_is_listed_at_once_in_line_order() -> None:
    problems = problems_of(
        """
        storage: {kind: s4}
        defaults: {every: 6x, timout: 30s}
        sites:
          - id: zhaolian-cfc
            name: 招联
            url: https://www.mucfc.com/
            selecter: "#main"
          - id: Bad_ID
            url: ftp://example.org/
            password: hunter2
          - id: ok-site
            name: OK
            url: https://ok.example/
            ignore: ["(unclosed"]
            pagination: {max_page: 3}
        """
    )
    assert problems == [
        "sites.yaml:2: storage: 'kind' must be 'local' or 's3', got 's4'",
        "sites.yaml:3: defaults.every: not a duration: '6x'; use e.g. '6h', '30m', '1h30m', '90s'",
        "sites.yaml:3: defaults.timout: unknown key 'timout' (did you mean 'timeout'?)",
        "sites.yaml:8: sites[0] (zhaolian-cfc).selecter: unknown key 'selecter' "
        "(did you mean 'selector'?)",
        "sites.yaml:9: sites[1] (Bad_ID).id: site id 'Bad_ID' must be lower-case letters, "
        "digits and '-' (e.g. 'zhaolian-cfc')",
        "sites.yaml:9: sites[1] (Bad_ID).name: required key is missing",
        "sites.yaml:10: sites[1] (Bad_ID).url: url must start with http:// or https://, "
        "got 'ftp://example.org/'",
        "sites.yaml:11: sites[1] (Bad_ID).password: unknown key 'password' "
        "(secrets are read from the environment only, see README 'Secrets')",
        "sites.yaml:15: sites[2] (ok-site).ignore: bad regular expression '(unclosed': "
        "missing ), unterminated subpattern at position 0",
        "sites.yaml:16: sites[2] (ok-site).pagination.max_page: unknown key 'max_page' "
        "(did you mean 'max_pages'?)",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "sites: [",
            "sites.yaml:1: not valid YAML: expected the node content, but found '<stream end>'",
        ),
        ("- just\n- a list\n", "sites.yaml:1: the file must be a mapping with a 'sites:' list"),
        (
            "sites:\n  - {id: a, name: A, url: 'https://a/', every: 1h, cron: '0 9 * * *'}\n",
            "sites.yaml:2: sites[0] (a): give either 'every' or 'cron', not both",
        ),
        (
            "sites:\n  - {id: a, name: A, url: 'https://a/', every: 10s}\n",
            "sites.yaml:2: sites[0] (a): 'every' must be at least 1m, so sites are not hammered",
        ),
        (
            "sites:\n  - {id: a, name: A, url: 'https://a/', type: bank}\n",
            "sites.yaml:2: sites[0] (a).type: Input should be 'joint_stock_bank', 'city_bank', "
            "'rural_bank', 'private_bank', 'foreign_bank', 'direct_bank', 'consumer_finance', "
            "'auto_finance', 'trust' or 'other' (got 'bank')",
        ),
        (
            "storage: {kind: s3, bucket: b, presign_expiry: 30d}\nsites: []\n",
            "sites.yaml:1: storage.presign_expiry: presign_expiry must be between 1s and 7d "
            "(the S3 maximum)",
        ),
        (
            "sitez: []\n",
            "sites.yaml:1: sitez: unknown key 'sitez' (did you mean 'sites'?)",
        ),
        (
            "browser: {concurrency: 0}\n",
            "sites.yaml:1: browser.concurrency: Input should be greater than or equal to 1 "
            "(got 0)",
        ),
    ],
)
def test_one_line_per_problem(text: str, expected: str) -> None:
    assert problems_of(text) == [expected]


def test_duplicate_site_ids_are_reported_with_both_positions() -> None:
    problems = problems_of(
        """
        sites:
          - {id: a, name: A, url: "https://a.example/"}
          - {id: a, name: A again, url: "https://b.example/"}
        """
    )
    assert problems == [
        "sites.yaml:4: sites[1] (a).id: duplicate site id (first used by sites[0])"
    ]


def test_every_rule_between_sections_is_reported_at_once_with_its_line() -> None:
    """Duplicate ids, cron expressions and alert groups are model validators of `Settings`:
    one load reports them all, each at its own line."""
    problems = problems_of(
        """
        alerts: {groups: {risk: [risk@example.org]}}
        sites:
          - {id: a, name: A, url: "https://a.example/", groups: [risk, nobody]}
          - {id: a, name: A again, url: "https://b.example/", cron: "0 8 * * mon-fry"}
        """
    )
    assert problems == [
        "sites.yaml:4: sites[0] (a).groups: no group 'nobody' in alerts.groups (known: risk)",
        "sites.yaml:5: sites[1] (a).id: duplicate site id (first used by sites[0])",
        'sites.yaml:5: sites[1] (a).cron: Invalid weekday name "fry"',
    ]


def test_settings_built_in_code_obey_the_same_rules() -> None:
    """The rules live in the model, so Settings built without a file are checked too."""
    site = config.Site(id="a", name="A", url="https://a.example/")
    with pytest.raises(ValidationError, match=r"sites\.1\.id: duplicate site id"):
        config.Settings(sites=(site, site))


def test_unknown_site_lookup_suggests_the_closest_id() -> None:
    settings = config.load(MINIMAL)
    with pytest.raises(KeyError, match="did you mean 'zhaolian-cfc'"):
        settings.site("zhaolian")


def test_the_shipped_configuration_is_valid() -> None:
    from pathlib import Path

    path = Path(__file__).parent.parent / "config" / "sites.yaml"
    settings = config.load(path.read_text(encoding="utf-8"), path=str(path))
    assert len(settings.sites) >= 30
    assert all(not site.verified for site in settings.sites)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("6h", 21600), ("1h30m", 5400), ("90s", 90), ("250ms", 0.25), ("7d", 604800), (45, 45)],
)
def test_durations(text: str | int, seconds: float) -> None:
    assert durations.parse(text) == seconds


@pytest.mark.parametrize("text", ["", "6x", "h6", "1h 30", "-5s", True])
def test_bad_durations(text: str | bool) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is asserted in config tests
        durations.parse(text)


def test_pages_and_discovery_follow_the_same_next_page_words() -> None:
    """One list: the words page checks used to follow and those discovery followed, merged."""
    site = config.Site.model_validate({"id": "s", "name": "S", "url": "https://s.example/"})
    discover = config.DiscoverySettings()
    assert site.pagination.next == discover.next
    earlier_pages = ("下一页", "下页", "后一页", "Next", "next", "›", "»", ">")
    earlier_discovery = (*earlier_pages, "加载更多", "查看更多")
    assert set(earlier_pages) | set(earlier_discovery) <= set(site.pagination.next)
