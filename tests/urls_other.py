"""A second URLconf for tests/test_shell_views.py: the same name at another address."""

from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("other/<int:agency_id>/<int:year>/", lambda request, **kw: HttpResponse(), name="agency_detail")]
