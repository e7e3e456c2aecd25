from django import template

from claims.markdown import render_markdown
from claims.models import display_name as _display_name

register = template.Library()


@register.filter
def markdown(text):
    return render_markdown(text)


@register.filter
def display_name(user):
    return _display_name(user)
