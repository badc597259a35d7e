"""``{% form_token %}``: the hidden token that makes a create form save once (ita_portal.form_tokens)."""

from django import template
from django.utils.html import format_html

from ita_portal.form_tokens import FIELD, token_for

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context) -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, token_for(context["request"]))
