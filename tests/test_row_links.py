"""``row_link``: one reverse, then each row's key in its place — the URL ``reverse`` gives."""

from django.urls import reverse

from ita_portal.row_links import EACH, row_link


def test_row_links_are_reverses_urls_wherever_the_key_stands():
    detail = row_link("measures:measure_detail", 8, 2567, EACH)
    move = row_link("measures:step_move", 8, 2567, 3, EACH, "down")
    dashboard = row_link("indicators:dashboard", EACH, 2567)
    for pk in (1, 42, 2567, 987654320):
        assert detail(pk) == reverse("measures:measure_detail", args=[8, 2567, pk])
        assert move(pk) == reverse("measures:step_move", args=[8, 2567, 3, pk, "down"])
        assert dashboard(pk) == reverse("indicators:dashboard", args=[pk, 2567])
