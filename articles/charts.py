"""The date histogram as a server-rendered SVG bar chart in which every bar is a link.

No JavaScript: each bar is an <a> around a <rect>, with a <title> and an aria-label that read
"1987: 1,204 articles". Values are escaped here; the result is marked safe for templates.
"""

import itertools

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 240
HEIGHT = 110
AXIS = 18  # room under the bars for the labels
GAP = 2
MAX_LABELS = 8
MIN_SLOTS = 6
# Axis label widths in viewBox units: 13px text is about 7.5 units a character (digits and
# lowercase of the system sans-serif). Labels kept this far apart never run together at any zoom:
# the text scales with the chart.
CHAR_WIDTH = 7.5
LABEL_GAP = 8


def histogram_svg(buckets, level: str, title: str) -> SafeString:
    """An SVG of `buckets` (objects with label, start, count, url, selected) at `level` ("year",
    "month" or "day"); empty when no bucket has a count."""
    if not buckets or not any(b.count for b in buckets):
        return mark_safe("")
    top = max(b.count for b in buckets)
    slot = WIDTH / max(len(buckets), MIN_SLOTS)
    left = (WIDTH - slot * len(buckets)) / 2  # a few bars stay bar-sized, centred
    bar_width = max(slot - GAP, 1)
    plot = HEIGHT - AXIS
    labels = [_axis_label(level, bucket, i) for i, bucket in enumerate(buckets)]
    centres = [left + i * slot + slot / 2 for i in range(len(buckets))]
    label_x = _label_positions(labels, centres)
    parts = [
        f'<svg class="histogram" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="group" aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
    ]
    for i, bucket in enumerate(buckets):
        x = left + i * slot + GAP / 2
        height = max(plot * bucket.count / top, 1 if bucket.count else 0)
        text = f"{bucket.label}: {_articles(bucket.count)}"
        css = "bar selected" if bucket.selected else "bar"
        parts.append(
            f'<a href="{escape(bucket.url)}" aria-label="{escape(text)}" class="{css}">'
            f"<title>{escape(text)}</title>"
            # A full-height transparent target keeps tiny bars easy to click.
            f'<rect class="target" x="{x:.1f}" y="0" width="{bar_width:.1f}" height="{plot}"/>'
            f'<rect x="{x:.1f}" y="{plot - height:.1f}" width="{bar_width:.1f}" height="{height:.1f}"/>'
            "</a>"
        )
        if i in label_x:
            parts.append(
                f'<text x="{label_x[i]:.1f}" y="{HEIGHT - 4}" text-anchor="middle" '
                f'aria-hidden="true">{escape(labels[i])}</text>'
            )
    baseline = plot + 0.5
    parts.append(f'<line class="axis" x1="0" y1="{baseline}" x2="{WIDTH}" y2="{baseline}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _articles(count: int) -> str:
    return f"{intcomma(count)} article{'' if count == 1 else 's'}"


def _label_positions(labels: list[str], centres: list[float]) -> dict[int, float]:
    """{bar index: x} of the labels to draw: every n-th bar for the smallest n that gives at most
    MAX_LABELS labels none of which touches the next; each kept inside the chart."""

    def width(label: str) -> float:
        return len(label) * CHAR_WIDTH

    def placed(every: int) -> dict[int, float]:
        chosen = {}
        for i in range(0, len(labels), every):
            half = width(labels[i]) / 2
            chosen[i] = min(max(centres[i], half), WIDTH - half)
        return chosen

    def fits(chosen: dict[int, float]) -> bool:
        pairs = itertools.pairwise(chosen.items())
        return all(
            x2 - width(labels[j]) / 2 - (x1 + width(labels[i]) / 2) >= LABEL_GAP for (i, x1), (j, x2) in pairs
        )

    every = -(-len(labels) // MAX_LABELS)  # ceiling division
    while not fits(placed(every)):
        every += 1
    return placed(every)


def _axis_label(level: str, bucket, position: int) -> str:
    """Axis labels stay short: "1987", "Mar", "5"; a day that starts a month, or the first day
    shown, also names its month ("1 Mar")."""
    if level == "day":
        day = bucket.start
        return f"{day.day} {day:%b}" if day.day == 1 or position == 0 else str(day.day)
    if level == "month":
        return f"{bucket.start:%b}"
    return str(bucket.start.year)
