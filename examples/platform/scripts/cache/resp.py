"""A deliberately tiny Redis (RESP2) client: enough for SET NX PX, GET, DEL and PING.

The platform images ship without redis-py, so the lock below talks RESP over a socket.
"""
from __future__ import annotations

import socket
from urllib.parse import urlparse


class RedisError(RuntimeError):
    pass


class Incomplete(ValueError):
    """The buffer does not hold a whole reply yet."""


def encode(*args: str | bytes | int) -> bytes:
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        data = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(out)


def decode(buf: bytes) -> tuple[object, bytes]:
    """Decodes one reply from `buf`; returns (value, rest)."""
    line_end = buf.find(b"\r\n")
    if line_end < 0:
        raise Incomplete()
    kind = buf[:1]
    line, rest = buf[1:line_end], buf[line_end + 2 :]
    if kind == b"+":
        return line.decode(), rest
    if kind == b"-":
        raise RedisError(line.decode())
    if kind == b":":
        return int(line), rest
    if kind == b"$":
        n = int(line)
        if n < 0:
            return None, rest
        if len(rest) < n + 2:
            raise Incomplete()
        return rest[:n], rest[n + 2 :]
    raise RedisError(f"unsupported reply type {kind!r}")


class Redis:
    def __init__(self, url: str, timeout: float = 5.0):
        u = urlparse(url)
        if u.scheme != "redis":
            raise ValueError(f"not a redis:// URL: {url}")
        self.sock = socket.create_connection((u.hostname or "127.0.0.1", u.port or 6379), timeout=timeout)
        self.buf = b""

    def call(self, *args):
        self.sock.sendall(encode(*args))
        while True:
            try:
                value, self.buf = decode(self.buf)
                return value
            except Incomplete:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise RedisError("connection closed") from None
                self.buf += chunk

    def close(self) -> None:
        self.sock.close()
