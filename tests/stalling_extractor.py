"""A person extractor for tests of the ingest time budget: the real one, except that it stalls for
ten seconds on a text holding STALL, as a pathological input would keep a worse extractor busy
(long enough for any budget under test, short enough that a broken budget fails the test, not CI)."""

import time

from articles.ingest.people import RuleBasedExtractor

STALL_SECONDS = 10


class StallingExtractor(RuleBasedExtractor):
    def extract(self, text):
        if "STALL" in text:
            time.sleep(STALL_SECONDS)  # the budget's timer signal interrupts it
        return super().extract(text)
