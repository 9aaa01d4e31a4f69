"""Shared fixtures: paths to the shared material, and a fresh Whoosh index directory per test."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SEEDS_DIR = SHARED / "seeds"
REUTERS_DIR = SHARED / "corpora" / "reuters21578"
SAMPLE_DIR = REPO / "sample"


@pytest.fixture
def seeds_dir():
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"the seed articles are not at {SEEDS_DIR}")
    return SEEDS_DIR


@pytest.fixture
def reuters_dir():
    if not (REUTERS_DIR / "reut2-000.sgm").is_file():
        pytest.skip(f"the Reuters-21578 corpus is not at {REUTERS_DIR}")
    return REUTERS_DIR


@pytest.fixture(autouse=True)
def index_dir(tmp_path_factory, settings):
    """Every test gets its own data directory (the ingest lock) and empty Whoosh index directory,
    outside tmp_path, which tests ingest; parallel test workers never share them."""
    settings.ARCHIVE_DATA_DIR = tmp_path_factory.mktemp("data")
    settings.ARCHIVE_INDEX_DIR = tmp_path_factory.mktemp("index")
    return settings.ARCHIVE_INDEX_DIR
