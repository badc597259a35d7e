"""CI's production smoke test, as a browser behind nginx would: HTTPS (X-Forwarded-Proto), secure
cookies and CSRF with a Referer. Logs in with the demo accounts, opens a page of each app, fetches a
hashed static file, uploads an evidence file and downloads it back, and asks for a PDF that the real
Celery worker renders. Exits non-zero with a message on the first thing that is wrong.

    python .ci/smoke_client.py http://127.0.0.1:8001
"""

from __future__ import annotations

import http.client
import re
import ssl
import sys
import time
import uuid
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

PASSWORD = "ita-demo-2567"  # noqa: S105 - the demo accounts' published password (README)
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class Fail(Exception):
    pass


class Browser:
    def __init__(self, base: str):
        parts = urlsplit(base)
        self.tls = parts.scheme == "https"  # through nginx; otherwise straight to gunicorn, as nginx would
        self.host, self.port = parts.hostname, parts.port or (443 if self.tls else 80)
        self.origin = f"https://{parts.netloc}"
        self.cookies: dict[str, str] = {}

    def connection(self) -> http.client.HTTPConnection:
        if not self.tls:
            return http.client.HTTPConnection(self.host, self.port, timeout=60)
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # the smoke stage's own self-signed certificate
        return http.client.HTTPSConnection(self.host, self.port, timeout=60, context=context)

    def request(self, method: str, path: str, body: bytes | None = None, content_type: str = "") -> tuple[int, dict, bytes]:
        conn = self.connection()
        headers = {"Host": f"{self.host}:{self.port}", "Referer": self.origin + path}
        if not self.tls:
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if content_type:
            headers["Content-Type"] = content_type
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(value).items():
                self.cookies[key] = morsel.value
        conn.close()
        headers = {k: ", ".join(response.headers.get_all(k)) for k in set(response.headers.keys())}
        return response.status, headers, data

    def get(self, path: str, expect: int = 200) -> bytes:
        status, headers, data = self.request("GET", path)
        if status != expect:
            raise Fail(f"GET {path}: HTTP {status} (expected {expect}) {headers.get('Location', '')}\n{data[:800]!r}")
        return data

    def csrf(self) -> str:
        return self.cookies["csrftoken"]

    def post(self, path: str, fields: dict, expect: int = 302) -> dict:
        body = urlencode({**fields, "csrfmiddlewaretoken": self.csrf()}).encode()
        status, headers, data = self.request("POST", path, body, "application/x-www-form-urlencoded")
        if status != expect:
            raise Fail(f"POST {path}: HTTP {status} (expected {expect})\n{data[:800]!r}")
        return headers

    def post_file(self, path: str, fields: dict, name: str, filename: str, content: bytes, mime: str) -> dict:
        boundary = uuid.uuid4().hex
        parts = []
        for key, value in {**fields, "csrfmiddlewaretoken": self.csrf()}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode())
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {mime}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        status, headers, data = self.request("POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")
        if status != 302:
            raise Fail(f"upload {path}: HTTP {status}\n{data[:800]!r}")
        return headers

    def login(self, username: str) -> str:
        self.cookies.clear()
        self.get("/login/")
        headers = self.post("/login/", {"username": username, "password": PASSWORD})
        if "sessionid" not in self.cookies:
            raise Fail(f"log-in of {username} failed: {headers}")
        return self.get("/").decode()


def first(pattern: str, text: str, what: str) -> re.Match:
    match = re.search(pattern, text)
    if not match:
        raise Fail(f"not found: {what} ({pattern})")
    return match


def check(base: str) -> None:
    b = Browser(base)
    status, headers, _ = b.request("GET", "/login/")
    assert status == 200, status
    hsts = headers.get("Strict-Transport-Security", "")
    if "max-age" not in hsts:
        raise Fail(f"no HSTS header on HTTPS: {headers}")

    # Staff of สพป.สมุทรสาคร: a page of each app, a static file, a PDF rendered by the worker.
    home = b.login("sks_staff")
    agency_id, year = first(r"/a/(\d+)/(\d{4})/", home, "an agency page link").groups()
    css = first(r"/static/vendor/bootstrap/css/bootstrap\.min\.[0-9a-f]{12}\.css", home, "hashed Bootstrap CSS").group(0)
    status, headers, data = b.request("GET", css)
    if status != 200 or b"Bootstrap" not in data[:400] or "immutable" not in headers.get("Cache-Control", ""):
        raise Fail(f"static {css}: HTTP {status} {headers.get('Cache-Control')}")
    b.get(f"/a/{agency_id}/{year}/")
    b.get(f"/scores/a/{agency_id}/2566/")
    b.get(f"/measures/a/{agency_id}/2566/")
    reports = b.get(f"/reports/a/{agency_id}/2566/").decode()
    report_path = first(rf"/reports/a/{agency_id}/2566/(\d+)/", reports, "the demo's draft report").group(0)
    before = set(re.findall(r"renditions/(\d+)\.pdf", b.get(report_path).decode()))
    b.post(report_path + "render/", {})
    started = time.monotonic()
    while True:
        page = b.get(report_path).decode()
        done = set(re.findall(r"renditions/(\d+)\.pdf", page)) - before
        if done:
            break
        if time.monotonic() - started > 120:
            raise Fail("the PDF was not rendered by the worker within 120 s")
        time.sleep(1)
    pdf = b.get(f"{report_path}renditions/{done.pop()}.pdf")
    if not pdf.startswith(b"%PDF"):
        raise Fail("the rendered file is not a PDF")
    print(f"PDF rendered by the worker in {time.monotonic() - started:.1f} s ({len(pdf)} bytes)")

    # Staff of ศธจ.ร้อยเอ็ด: upload an evidence file to a measure and download it back.
    home = b.login("roiet_staff")
    agency_id = first(r"/a/(\d+)/2567/", home, "ศธจ.ร้อยเอ็ด's 2567 page").group(1)
    measures = b.get(f"/measures/a/{agency_id}/2567/").decode()
    measure = first(rf"/measures/a/{agency_id}/2567/m/(\d+)/", measures, "a measure").group(0)
    b.post_file(measure + "evidence/add/", {"title": "หลักฐานทดสอบ CI"}, "file", "ci-smoke.pdf", PDF, "application/pdf")
    page = b.get(measure).decode()
    downloads = [int(n) for n in re.findall(rf"/measures/a/{agency_id}/2567/evidence/(\d+)/download/", page)]
    if not downloads or b.get(f"/measures/a/{agency_id}/2567/evidence/{max(downloads)}/download/") != PDF:
        raise Fail("the uploaded evidence file did not come back")
    b.get("/public/OPS-ROIET/2567/")

    # A supervisor: the admin site.
    b.login("obec_supervisor")
    b.get("/admin/")
    print("smoke: log-in, pages of every app, static file, upload, PDF through the worker: OK")


if __name__ == "__main__":
    try:
        check(sys.argv[1])
    except Fail as exc:
        print(f"SMOKE FAILED: {exc}", file=sys.stderr)
        sys.exit(1)
