import pytest

from scripts.common.naming import join_path, slug


@pytest.mark.parametrize(
    "value,expected",
    [("Web API", "web-api"), ("  x  ", "x"), ("a__b", "a__b"), ("ÄÖÜ", "unnamed"), ("/lead/", "lead"), ("a//b", "a//b")],
)
def test_slug(value, expected):
    assert slug(value) == expected


@pytest.mark.parametrize(
    "parts,expected",
    [(("a", "b"), "/a/b"), (("/a/", "/b/"), "/a/b"), (("", "a", ""), "/a"), ((), "/")],
)
def test_join_path(parts, expected):
    assert join_path(*parts) == expected
