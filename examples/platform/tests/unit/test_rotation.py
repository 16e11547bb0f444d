from datetime import datetime, timedelta, timezone

import pytest

from scripts.secrets import rotation

NOW = datetime(2026, 11, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("age_days,max_age,expected", [(0, 30, False), (29, 30, False), (30, 30, True), (400, 90, True)])
def test_due(age_days, max_age, expected):
    assert rotation.due(NOW - timedelta(days=age_days), max_age, NOW) is expected


def test_never_rotated_is_due():
    assert rotation.due(None, 30, NOW)


def test_max_age_must_be_positive():
    with pytest.raises(ValueError):
        rotation.due(NOW, 0, NOW)


def test_plan_lists_due_secrets_sorted():
    secrets = [
        {"Name": "b", "LastRotatedDate": NOW - timedelta(days=100)},
        {"Name": "a"},
        {"Name": "c", "LastRotatedDate": NOW},
    ]
    assert rotation.plan(secrets, 90, NOW) == ["a", "b"]
