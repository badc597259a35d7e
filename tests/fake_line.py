"""A tiny fake LINE Messaging API on 127.0.0.1 in a thread: it records pushes and fails on demand.

``FakeLine().start()``; point ``LINE_API_BASE`` at ``fake.url``. ``fail_next = 2`` answers the next
two pushes with 500 (``fail_status`` to choose another); a repeated ``X-Line-Retry-Key`` that was
accepted before gets 409, as LINE answers it.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Push:
    token: str
    retry_key: str
    to: str
    texts: list[str]


@dataclass
class FakeLine:
    fail_next: int = 0
    fail_status: int = 500
    pushes: list[Push] = field(default_factory=list)
    attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> FakeLine:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # keep test output quiet
                pass

            def _answer(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path != "/v2/bot/message/push":
                    return self._answer(404, {"message": "Not found"})
                key = self.headers.get("X-Line-Retry-Key", "")
                with fake.lock:
                    fake.attempts += 1
                    if fake.fail_next > 0:
                        fake.fail_next -= 1
                        return self._answer(fake.fail_status, {"message": "The system is temporarily unavailable"})
                    if key and any(p.retry_key == key for p in fake.pushes):
                        return self._answer(409, {"message": "The retry key is already accepted"})
                    fake.pushes.append(
                        Push(
                            token=self.headers.get("Authorization", "").removeprefix("Bearer "),
                            retry_key=key,
                            to=body.get("to", ""),
                            texts=[m.get("text", "") for m in body.get("messages", [])],
                        )
                    )
                return self._answer(200, {"sentMessages": [{"id": "1", "quoteToken": "q"}]})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
