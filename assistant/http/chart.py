"""The dashboard's chart: questions per day, answered and refused, as server-rendered SVG.

No chart library and no script: a few dozen rectangles drawn here, with the colours in the
stylesheet (the page's CSP allows no inline style) and a <title> per day for the pointer.
Only numbers and dates are written into it; they are escaped all the same.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from assistant.insights.activity import Day

WIDTH, HEIGHT = 720, 240
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 12, 28


def questions_chart(days: list[Day]) -> Markup:
    """Stacked bars, one per day: answered below, refused above."""
    most = max((d.asked for d in days), default=0)
    scale_top = _nice_ceiling(most)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_width / max(1, len(days))
    bar = max(1.0, slot * 0.7)

    def y(value: float) -> float:
        return TOP + plot_height - plot_height * value / scale_top

    total_answered = sum(d.answered for d in days)
    total_refused = sum(d.refused for d in days)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">',
        '<title id="chart-title">Questions per day</title>',
        f'<desc id="chart-desc">{len(days)} days: {total_answered} answered, '
        f"{total_refused} not answered.</desc>",
    ]
    for tick in (0, scale_top / 2, scale_top):
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" '
            f'y2="{y(tick):.1f}"/>'
            f'<text class="axis" x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">'
            f"{tick:g}</text>"
        )
    label_every = max(1, len(days) // 6)
    for n, day in enumerate(days):
        x = LEFT + n * slot + (slot - bar) / 2
        label = escape(day.date.strftime("%b %d").replace(" 0", " "))
        parts.append(
            f"<g><title>{escape(day.date.isoformat())}: {day.answered} answered, "
            f"{day.refused} not answered</title>"
        )
        if day.answered:
            parts.append(
                f'<rect class="answered" x="{x:.1f}" y="{y(day.answered):.1f}" '
                f'width="{bar:.1f}" height="{y(0) - y(day.answered):.1f}"/>'
            )
        if day.refused:
            parts.append(
                f'<rect class="refused" x="{x:.1f}" y="{y(day.asked):.1f}" '
                f'width="{bar:.1f}" height="{y(day.answered) - y(day.asked):.1f}"/>'
            )
        parts.append("</g>")
        if n % label_every == 0 or n == len(days) - 1:
            parts.append(
                f'<text class="axis" x="{x + bar / 2:.1f}" y="{HEIGHT - 8}" '
                f'text-anchor="middle">{label}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (built here from numbers and escaped dates)


def _nice_ceiling(value: int) -> int:
    """The axis top: 4 for an empty chart, else the value rounded up to 2, 5 or 10 x 10^k."""
    if value <= 4:
        return 4
    magnitude: int = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude
