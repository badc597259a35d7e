"""The bare view of ``bench/bench_pages.py``: the cheapest page a logged-in request can get.

Routed only when ``settings.BENCH_BARE_VIEW`` is on (``ITA_BENCH_BARE_VIEW=1``, set by the bench for
the server it starts), so production has no such URL. It loads the session and the user like every
page does and renders no template, so a page's throughput divided by this one's says how much work
the page adds on top of Django's own per-request cost on the same server, in the same run.
"""

from django.http import HttpRequest, HttpResponse


def bare(request: HttpRequest) -> HttpResponse:
    user = request.user
    name = user.get_username() if user.is_authenticated else ""
    return HttpResponse(f"ok {name}", content_type="text/plain; charset=utf-8")
