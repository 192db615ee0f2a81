"""`discover:` settings of an institution: how far discovery may go and how politely. Pure."""

from __future__ import annotations

from pydantic import Field, field_validator

from archiver.durations import Duration
from archiver.pagewords import NEXT_PAGE_WORDS
from archiver.schema import Strict
from archiver.urlpolicy import check_hosts, check_http_url

DEFAULT_COLUMNS = (
    "信息披露",
    "公告",
    "公示",
    "通知",
    "披露",
    "新闻",
    "资讯",
    "动态",
    "消息",
    "合作机构",
)
DEFAULT_MORE = ("查看更多", "更多", "加载更多", "more", "MORE", "More", ">>", "更多>>", "更多 >")


class DiscoverySettings(Strict):
    """Find an institution's partner-list announcements from its entry page.

    A site with `discover:` is an institution: its `url` is the entry page (homepage or
    announcement list), and each document found is archived as its own chain.
    """

    enabled: bool = True
    max_depth: int = Field(default=3, ge=0, le=6)  # entry page = 0, a column = 1, ...
    max_pages: int = Field(default=60, ge=1, le=2000)  # page loads per institution per run
    max_time: Duration = 900.0  # seconds per institution per run
    max_list_pages: int = Field(default=5, ge=1, le=50)  # pagination steps per index page
    max_documents: int = Field(default=20, ge=1, le=200)  # list documents checked per run
    delay: Duration = 2.0  # minimum seconds between two requests to one host
    robots: bool = True  # honour robots.txt (set false only with the site's consent)
    block_after: int = Field(default=3, ge=1, le=20)  # 429/503 in a row before giving up
    max_backoff: Duration = 600.0  # longest Retry-After we wait for inside a run
    columns: tuple[str, ...] = DEFAULT_COLUMNS  # link texts of announcement columns
    more: tuple[str, ...] = DEFAULT_MORE  # link texts that open a fuller list
    next: tuple[str, ...] = NEXT_PAGE_WORDS  # pagination controls followed on index pages
    index_attachments: int = Field(default=10, ge=0, le=100)  # PDFs fetched with an index page
    follow: tuple[str, ...] = ()  # extra index pages to read (absolute URLs)
    hosts: tuple[str, ...] = ()  # other hosts of the same institution, e.g. m.example.com
    reclassify_after: Duration = 30 * 86400.0  # re-read non-list announcements this often

    @field_validator("follow")
    @classmethod
    def _http_follow(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_http_url(url, "follow") for url in value)

    @field_validator("hosts")
    @classmethod
    def _host_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return check_hosts(value)
