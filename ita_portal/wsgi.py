"""The WSGI application (gunicorn: ``deploy/gunicorn.conf.py``), loaded whole before the first request.

A web worker holds about 180,000 objects tracked by the garbage collector once Django, the URLconf
and the templates are loaded; Python's collector walks them again and again (about 1.3 ms of CPU a
request on the heavy pages, a full collection every few dozen requests). They live as long as the
worker, so they are loaded here at start-up (the first request pays nothing), moved out of the
collector's reach (``gc.freeze``) and the young generation is allowed to grow before a collection
(request objects are mostly freed by reference counting long before): 0.3 ms a request instead.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ita_portal.settings")
application = get_wsgi_application()

#: Collector thresholds of a web worker (Python's defaults: 700, 10, 10).
GC_THRESHOLDS = (50_000, 20, 100)


def _settle() -> None:
    from django.template.loader import get_template
    from django.urls import get_resolver

    _ = get_resolver().url_patterns  # the URLconf, the admin's registry with it
    get_template("base.html")
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


_settle()
