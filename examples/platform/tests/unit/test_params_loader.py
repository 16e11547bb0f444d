import pytest

from scripts.params.loader import ParameterFileError, flatten, load


@pytest.mark.requirement("FR-020")
def test_load_flattens_under_app_and_env():
    assert load('{"db": {"host": "x", "port": 5432}, "debug": false}', "billing", "prod") == {
        "/billing/prod/db/host": "x",
        "/billing/prod/db/port": "5432",
        "/billing/prod/debug": "false",
    }


@pytest.mark.parametrize(
    "tree,expected",
    [
        ({"a": 1}, {"/a": "1"}),
        ({"a": {"b": {"c": "d"}}}, {"/a/b/c": "d"}),
        ({"hosts": ["a", "b"]}, {"/hosts": "a,b"}),
        ({"on": True}, {"/on": "true"}),
        ({"ratio": 0.5}, {"/ratio": "0.5"}),
    ],
)
def test_flatten(tree, expected):
    assert flatten(tree) == expected


@pytest.mark.parametrize("text", ["[1, 2]", "{not json", '{"a/b": 1}', '{"": 1}', '{"a": null}'])
def test_rejects_bad_files(text):
    with pytest.raises(ParameterFileError):
        load(text, "app", "dev")
