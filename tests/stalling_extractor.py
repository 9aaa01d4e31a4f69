"""A person extractor for tests of ingest's defences: the real one, except that it stalls for ten
seconds on a text holding STALL, as a pathological input would keep a worse extractor busy (long
enough for any budget under test, short enough that a broken budget fails the test, not CI), and
raises on a text holding BREAK, as a bug would."""

import time

from articles.ingest.people import RuleBasedExtractor

STALL_SECONDS = 10


class StallingExtractor(RuleBasedExtractor):
    def extract(self, text):
        if "STALL" in text:
            time.sleep(STALL_SECONDS)  # the budget's timer signal interrupts it
        if "BREAK" in text:
            raise IndexError("tuple index out of range")
        return super().extract(text)
