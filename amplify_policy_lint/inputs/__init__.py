"""Locators, one module per input kind. ``locate.py`` picks the one a file needs.

Each locator takes a parsed ``Source`` and returns a ``Located``: every policy document
in the file with its kind (identity, trust, resource), a label in words, and the
principals it belongs to.
"""
