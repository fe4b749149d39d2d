"""A category's name in the reader's language: the shipped names are msgids of the English catalogue
(categories.py marks them with gettext_noop). Its own module, so models and the category tree both use it
without importing each other."""

from __future__ import annotations

from django.utils.translation import gettext


def category_label(name: str) -> str:
    """A category's name in the reader's language; a name the catalogue does not know stays as stored."""
    return gettext(name) if name else name
