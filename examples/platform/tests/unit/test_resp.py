import pytest

from scripts.cache.resp import Incomplete, RedisError, decode, encode


def test_encode_command():
    assert encode("SET", "k", 5) == b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n5\r\n"


@pytest.mark.parametrize(
    "reply,value",
    [(b"+OK\r\n", "OK"), (b":42\r\n", 42), (b"$3\r\nabc\r\n", b"abc"), (b"$-1\r\n", None), (b"$0\r\n\r\n", b"")],
)
def test_decode(reply, value):
    assert decode(reply) == (value, b"")


def test_decode_keeps_the_rest():
    assert decode(b"+OK\r\n:1\r\n") == ("OK", b":1\r\n")


def test_error_reply_raises():
    with pytest.raises(RedisError, match="WRONGTYPE"):
        decode(b"-WRONGTYPE bad\r\n")


@pytest.mark.parametrize("partial", [b"", b"+OK", b"$5\r\nab", b"$3\r\nabc"])
def test_partial_replies_ask_for_more(partial):
    with pytest.raises(Incomplete):
        decode(partial)
