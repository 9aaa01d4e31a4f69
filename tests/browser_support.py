"""What every browser test shares: Debian's Chromium driven by Playwright (nothing downloaded),
its launch flags, the marks of a browser test, and a `browser` fixture (see conftest)."""

from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# As root and offline: no sandbox, and none of the background connections a closed network refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

BROWSER_TEST = [
    pytest.mark.browser,
    # The live server sees only committed rows; serialized rollback restores the migrations'
    # rows (starter topics, the editor group) for the tests that run after this one.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason=f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    ),
]


@contextmanager
def launched_chromium():
    """A headless Chromium for the block; the test is skipped without the playwright package."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()
