"""Parameter diff. Verifies: FR-021"""
from scripts.params.diff import diff


def test_added_changed_removed():
    """Verifies: FR-021"""
    d = diff({"/a": "1", "/b": "2", "/c": "3"}, {"/a": "1", "/b": "20", "/d": "4"})
    assert d.added == {"/d": "4"}
    assert d.changed == {"/b": ("2", "20")}
    assert d.removed == ["/c"]
    assert not d.empty


def test_identical_is_empty():
    assert diff({"/a": "1"}, {"/a": "1"}).empty
