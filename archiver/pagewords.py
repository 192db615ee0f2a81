"""The words of a "next page" control, as lists split across pages write them. Pure.

One list for both readers of paginated lists: a page check (`pagination.next`) and
discovery's index pages (`discover.next`). A site or institution may replace it.
"""

from __future__ import annotations

NEXT_PAGE_WORDS = (
    "下一页",
    "下页",
    "后一页",
    "Next",
    "next",
    "›",
    "»",
    ">",
    "加载更多",
    "查看更多",
)
