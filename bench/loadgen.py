"""A bounded HTTP load generator for the page benchmark (asyncio, no third-party package).

Each of ``connections`` clients sends one request, reads the whole response and sends the next, for
at most ``seconds`` and at most ``max_requests`` requests in all, against 127.0.0.1 only. Every
request opens its own TCP connection and says ``Connection: close``: gunicorn's sync workers close
after each response anyway, so this is what a browser meets against them.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    requests: int = 0
    errors: int = 0
    elapsed: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    body_bytes: int = 0

    @property
    def rps(self) -> float:
        return self.requests / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        if len(self.latencies) == 1:
            return self.latencies[0]
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(p) - 1]


def raw_request(path: str, port: int, cookie: str = "") -> bytes:
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Accept: text/html",
        "Accept-Language: th",
        "Connection: close",
    ]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")


async def _fetch(port: int, request: bytes) -> tuple[int, int]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        data = await reader.read()
    finally:
        writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    try:
        status = int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        status = 0
    return status, len(body)


async def _run(port: int, request: bytes, connections: int, seconds: float, max_requests: int, expect: int) -> LoadResult:
    result = LoadResult()
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()

    async def client() -> None:
        while time.perf_counter() < deadline and result.requests + result.errors < max_requests:
            t0 = time.perf_counter()
            try:
                status, size = await asyncio.wait_for(_fetch(port, request), timeout=60)
            except (TimeoutError, OSError):
                result.errors += 1
                continue
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status != expect:
                result.errors += 1
                continue
            result.latencies.append(time.perf_counter() - t0)
            result.requests += 1
            result.body_bytes += size

    await asyncio.gather(*(client() for _ in range(connections)))
    result.elapsed = time.perf_counter() - started
    return result


def run_load(
    port: int,
    path: str,
    *,
    cookie: str = "",
    connections: int = 20,
    seconds: float = 3.0,
    max_requests: int = 20000,
    expect: int = 200,
) -> LoadResult:
    """Drive ``path`` on 127.0.0.1:``port``; bounded by time and by count, never open-ended."""
    return asyncio.run(_run(port, raw_request(path, port, cookie), connections, seconds, max_requests, expect))
