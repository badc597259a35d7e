"""A tiny real SMTP server in a thread, for tests: it records what it receives and can refuse.

``FakeSMTP().fail_next = 2`` refuses the next two messages with a 451 (a temporary failure, as a
busy relay would); ``always_fail = True`` refuses every one.
"""

from __future__ import annotations

import socketserver
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self):
        return message_from_bytes(self.data, policy=policy.default)


@dataclass
class FakeSMTP:
    fail_next: int = 0
    always_fail: bool = False
    received: list[Received] = field(default_factory=list)
    attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> FakeSMTP:
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, line: str) -> None:
                self.wfile.write(line.encode() + b"\r\n")

            def handle(self) -> None:
                self.reply("220 fake.smtp.test ESMTP")
                sender, rcpts = "", []
                while line := self.rfile.readline():
                    cmd = line.decode("ascii", "replace").strip()
                    verb = cmd[:4].upper()
                    if verb == "EHLO":
                        self.wfile.write(b"250-fake.smtp.test\r\n250 8BITMIME\r\n")
                    elif verb == "HELO":
                        self.reply("250 fake.smtp.test")
                    elif verb == "MAIL":
                        with fake.lock:
                            fake.attempts += 1
                            refuse = fake.always_fail or fake.fail_next > 0
                            if fake.fail_next > 0:
                                fake.fail_next -= 1
                        if refuse:
                            self.reply("451 4.3.0 Temporary failure (injected)")
                            continue
                        sender, rcpts = cmd[10:].strip("<> "), []
                        self.reply("250 OK")
                    elif verb == "RCPT":
                        rcpts.append(cmd[8:].strip("<> "))
                        self.reply("250 OK")
                    elif verb == "DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        chunks = []
                        while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                            chunks.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                        with fake.lock:
                            fake.received.append(Received(sender, rcpts, b"".join(chunks)))
                        self.reply("250 OK queued")
                    elif verb == "QUIT":
                        self.reply("221 Bye")
                        return
                    elif verb in ("RSET", "NOOP"):
                        self.reply("250 OK")
                    else:
                        self.reply("502 Command not implemented")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"
