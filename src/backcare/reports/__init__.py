"""Pictures for people: a back body map and a pain chart, rendered as inline, accessible SVG.

Pure string builders with no I/O, so pages, printed reports and tests all draw the same thing.
"""
