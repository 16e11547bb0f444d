"""The run lock against a real Redis (CACHE_URL)."""
import pytest

from scripts.cache.locks import RunLock
from scripts.cache.resp import Redis


@pytest.mark.integration
@pytest.mark.requires_cache
@pytest.mark.requirement("FR-006")
def test_only_one_holder(cache_url, run_prefix):
    """Covers: FR-006"""
    first = RunLock(run_prefix, client=Redis(cache_url))
    second = RunLock(run_prefix, client=Redis(cache_url))
    assert first.acquire()
    assert not second.acquire()
    assert not second.release()
    assert first.release()
    assert second.acquire()
    assert second.release()
