"""The `alerts:` section of sites.yaml, through the real config loader."""

from __future__ import annotations

import pytest

from archiver import config
from archiver.alerts.settings import Mode
from archiver.errors import ConfigError

ISSUE_EXAMPLE = """
alerts:
  email:
    smtp: {host: smtp.example.org, port: 587, starttls: true, username: archiver}
    from: archiver@example.org
    to: [compliance@example.org]
sites: []
"""


def load(text: str) -> config.Settings:
    return config.load(text, path="config/sites.yaml")


def test_the_shape_from_the_issue_loads() -> None:
    """host/port/starttls/username, from and to, as written in issue 4."""
    alerts = load(ISSUE_EXAMPLE).alerts
    smtp = alerts.email.smtp
    assert smtp is not None
    assert (smtp.host, smtp.effective_port, smtp.security, smtp.username) == (
        "smtp.example.org",
        587,
        "starttls",
        "archiver",
    )
    assert alerts.email.sender == "archiver@example.org"
    assert alerts.email.to == ("compliance@example.org",)
    assert alerts.email.mode is Mode.IMMEDIATE


def test_defaults_need_no_alerts_section() -> None:
    """Without `alerts:`, mail goes to the .eml spool and operator alerts are on."""
    settings = load("sites: []")
    alerts = settings.alerts
    assert alerts.email.smtp is None and alerts.operator.enabled
    assert settings.timezone == "Asia/Shanghai"  # one zone for people, at the top level


def test_implicit_tls_defaults_to_port_465() -> None:
    """tls: true alone means SMTPS on 465."""
    alerts = load("alerts: {email: {smtp: {host: h, tls: true}}}").alerts
    assert alerts.email.smtp is not None
    assert (alerts.email.smtp.security, alerts.email.smtp.effective_port) == ("tls", 465)


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        (
            "alerts: {email: {smtp: {host: h, starttls: true, tls: true}}}",
            "choose 'starttls: true' (port 587) or 'tls: true' (port 465)",
        ),
        (
            "alerts: {email: {smtp: {host: h, password: hunter2}}}",
            "smtp.password: unknown key 'password' (secrets are read from the environment",
        ),
        ("alerts: {email: {to: [not-an-address]}}", "not an e-mail address: 'not-an-address'"),
        ('alerts: {email: {to: ["a@b.org\\nBcc: x@y.org"]}}', "must be on one line"),
        ("alerts: {email: {form: a@b.org}}", "unknown key 'form' (did you mean 'from'?)"),
        ("alerts: {email: {mode: weekly}}", "alerts.email.mode"),
        ("alerts: {email: {digest_at: '25:00'}}", "must be a time of day like '08:00'"),
        ("timezone: Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
        ("alerts: {timezone: Asia/Shanghai}", "set the top-level 'timezone'"),
        ("alerts: {retry: {initial: 2h, max: 1h}}", "retry.initial must not exceed retry.max"),
        ("alerts: {operator: {problems: [failing, nonsense]}}", "alerts.operator.problems"),
        ("alerts: {chat: {urls: ['slack://x']}}", "unknown key 'urls'"),
    ],
)
def test_mistakes_are_reported_with_where_and_what(yaml_text: str, message: str) -> None:
    """Each mistake names its place in the file and what to do."""
    with pytest.raises(ConfigError) as caught:
        load(yaml_text)
    assert any(message in problem for problem in caught.value.problems), caught.value.problems
    assert all(problem.startswith("config/sites.yaml:1:") for problem in caught.value.problems)


def test_groups_named_by_sites_must_exist() -> None:
    """A site in an undefined group is refused when the file is loaded, with its line."""
    with pytest.raises(ConfigError) as caught:
        config.load(
            """
alerts:
  groups: {foreign-banks: [desk@example.org]}
sites:
  - {id: a, name: A, url: "https://a.example/", groups: [foreign-banks]}
  - {id: b, name: B, url: "https://b.example/", groups: [foriegn-banks]}
""",
            path="config/sites.yaml",
        )
    assert caught.value.problems == [
        "config/sites.yaml:6: sites[1] (b).groups: no group 'foriegn-banks' in alerts.groups "
        "(known: foreign-banks)",
    ]


def test_site_recipients_are_addresses_like_email_to() -> None:
    """A site's `recipients` are typed as `alerts.email.to` is: a bad one is refused at load,
    with its line, together with the other field mistakes of the file."""
    with pytest.raises(ConfigError) as caught:
        config.load(
            """
sites:
  - {id: b, name: B, url: "https://b.example/", recipients: [nobody]}
  - {id: c, name: C, url: "https://c.example/", recipients: ["x@y.org\\nBcc: all@z.org"]}
  - {id: d, name: D, url: "ftp://d.example/"}
""",
            path="config/sites.yaml",
        )
    assert caught.value.problems[:2] == [
        "config/sites.yaml:3: sites[0] (b).recipients[0]: not an e-mail address: 'nobody' "
        "(use a@b.org or 'Name <a@b.org>')",
        "config/sites.yaml:4: sites[1] (c).recipients[0]: an address must be on one line, "
        "got 'x@y.org\\nBcc: all@z.org'",
    ]
    assert caught.value.problems[2].startswith("config/sites.yaml:5: sites[2] (d).url: ")
