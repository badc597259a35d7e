"""URL map. Every agency-scoped page carries ``agency_id`` and ``year`` (BE fiscal year) kwargs,
which the navigation context reads to show where the user is."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("scores/", include("indicators.urls")),
    path("scores/", include("measures.weakness_urls")),
    path("scores/", include("measures.area_urls")),
    path("measures/", include("measures.urls")),
    path("oit/", include("oit.urls")),
    path("reports/", include("reports.urls")),
    path("public/", include("reports.public_urls")),
    path("notifications/", include("ita_portal.mail.urls")),
    path("", include("ita_portal.agencies.urls")),
]

if settings.BENCH_BARE_VIEW:
    from ita_portal.bench_views import bare

    urlpatterns.insert(0, path("_bench/bare/", bare))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.STATIC_URL, document_root=settings.STATIC_ROOT)
