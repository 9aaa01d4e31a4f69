"""Page links for a result list: first, last, and a window around the current page."""

import dataclasses

WINDOW = 2


@dataclasses.dataclass
class PageLink:
    number: int | None  # None for a gap ("…")
    url: str = ""
    current: bool = False


def page_links(current: int, last: int, url_for) -> list[PageLink]:
    """Links to the pages near `current`, the first and the last, with gaps elsewhere."""
    if last <= 1:
        return []
    wanted = {1, last, *range(max(current - WINDOW, 1), min(current + WINDOW, last) + 1)}
    links, previous = [], 0
    for number in sorted(wanted):
        if number > previous + 1:
            links.append(PageLink(None))
        links.append(PageLink(number, url_for(number), number == current))
        previous = number
    return links
