"""Small inline SVG charts for the pages: no script, no style attribute, no outside file. Pure.

Text inside is escaped; shapes carry presentation attributes only, so the pages' CSP (which
allows no inline style attribute) does not get in the way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

WIDTH, HEIGHT = 720, 180
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 14, 30
INK, MUTED, LINE, ACCENT, DROP = "#1d232a", "#5f6b76", "#d9dee3", "#0b5cad", "#8a1c13"


@dataclass(frozen=True, slots=True)
class Point:
    """One version on the partner-count timeline."""

    at: datetime
    count: int
    label: str  # the tooltip, e.g. "第 3 版 2025-10-01：12 家"


def _svg(body: list[str], title: str) -> str:
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, words: str, anchor: str = "start") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="11" fill="{MUTED}" '
        f'text-anchor="{anchor}">{escape(words)}</text>'
    )


def count_timeline(points: Sequence[Point], *, title: str, day: str, first_day: str) -> str:
    """A step line of the partner count, one dot per version ('' with fewer than one point).

    >>> from datetime import UTC
    >>> svg = count_timeline([Point(datetime(2025, 10, 1, tzinfo=UTC), 4, "第 1 版：4 家")],
    ...                      title="t", day="10-01", first_day="10-01")
    >>> svg.startswith("<svg") and "第 1 版：4 家" in svg and "style=" not in svg
    True
    """
    if not points:
        return ""
    start, end = points[0].at.timestamp(), points[-1].at.timestamp()
    span = max(end - start, 1.0)
    top = max([1, *(p.count for p in points)])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(moment: datetime) -> float:
        return LEFT + (moment.timestamp() - start) / span * plot_w if end > start else LEFT

    def y(count: int) -> float:
        return TOP + plot_h - count / top * plot_h

    body = [
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        f'stroke="{LINE}"/>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + plot_h}" stroke="{LINE}"/>',
        _text(LEFT - 6, TOP + 4, str(top), "end"),
        _text(LEFT - 6, TOP + plot_h + 4, "0", "end"),
        _text(LEFT, HEIGHT - 8, first_day),
        _text(WIDTH - RIGHT, HEIGHT - 8, day, "end"),
    ]
    steps = []
    for index, point in enumerate(points):
        if index:
            steps.append(f"{x(point.at):.1f},{y(points[index - 1].count):.1f}")
        steps.append(f"{x(point.at):.1f},{y(point.count):.1f}")
    steps.append(f"{WIDTH - RIGHT:.1f},{y(points[-1].count):.1f}")
    body.append(
        f'<polyline fill="none" stroke="{ACCENT}" stroke-width="2" points="{" ".join(steps)}"/>'
    )
    for point in points:
        body.append(
            f'<circle cx="{x(point.at):.1f}" cy="{y(point.count):.1f}" r="3.5" fill="{ACCENT}">'
            f"<title>{escape(point.label)}</title></circle>"
        )
    return _svg(body, title)


def daily_bars(days: Sequence[tuple[date, int, int]], *, title: str) -> str:
    """Bars of partner events per day: (day, additions, drops and other changes).

    >>> svg = daily_bars([(date(2025, 10, 1), 2, 1)], title="t")
    >>> svg.count("<rect"), "10-01" in svg
    (2, True)
    """
    if not days:
        return ""
    top = max([1, *(a + d for _, a, d in days)])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(days)
    width = max(min(slot * 0.6, 48), 4)
    body = [
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        f'stroke="{LINE}"/>',
        _text(LEFT - 6, TOP + 4, str(top), "end"),
        _text(LEFT - 6, TOP + plot_h + 4, "0", "end"),
    ]
    for index, (day, added, other) in enumerate(days):
        cx = LEFT + slot * index + slot / 2
        base = float(TOP + plot_h)
        for count, colour, words in ((added, ACCENT, "新增"), (other, DROP, "移除及其他")):
            if not count:
                continue
            height = count / top * plot_h
            base -= height
            body.append(
                f'<rect x="{cx - width / 2:.1f}" y="{base:.1f}" width="{width:.1f}" '
                f'height="{height:.1f}" fill="{colour}"><title>'
                f"{escape(f'{day:%m-%d} {words} {count}')}</title></rect>"
            )
        body.append(_text(cx, HEIGHT - 8, f"{day:%m-%d}", "middle"))
    return _svg(body, title)
