"""A web worker does not import WeasyPrint (or pythainlp) until a request needs a PDF.

Checked in a fresh interpreter, because the test process itself has long imported both.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "ita_portal.settings"
from ita_portal.wsgi import application
from django.urls import get_resolver
from django.template import engines
from django.template.loader import get_template
get_resolver().url_patterns
engines["django"].engine.template_libraries
get_template("base.html")
before = {m: m in sys.modules for m in ("weasyprint", "pythainlp")}
from ita_portal.thai import baht_text
from reports.rendering import render_source_pdf
baht_text(1000)
try:
    render_source_pdf({"kind": "nonexistent"})
except Exception:
    pass
after = {m: m in sys.modules for m in ("weasyprint", "pythainlp")}
print(json.dumps({"before": before, "after": after}))
"""


def test_worker_start_imports_no_weasyprint_and_rendering_still_can(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ITA_VAR_DIR": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["before"] == {"weasyprint": False, "pythainlp": False}
    assert seen["after"] == {"weasyprint": True, "pythainlp": True}


def test_a_web_worker_loads_everything_then_freezes_it_out_of_the_collector():
    """ita_portal.wsgi: URLconf and templates loaded at start-up, the start-up objects frozen
    (the collector no longer walks them on each collection), the young generation widened."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import gc, json, sys; from ita_portal.wsgi import GC_THRESHOLDS;"
        "print(json.dumps({'frozen': gc.get_freeze_count(), 'thresholds': gc.get_threshold(),"
        " 'wanted': GC_THRESHOLDS, 'urls': 'ita_portal.urls' in sys.modules}))"
    )
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ita_portal.settings", "DEBUG": "1"}
    out = json.loads(
        subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, check=True).stdout
    )
    assert out["urls"]
    assert out["frozen"] > 50_000
    assert tuple(out["thresholds"]) == tuple(out["wanted"]) and out["wanted"][0] > 700
