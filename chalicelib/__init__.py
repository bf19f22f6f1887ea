"""replybox: comment moderation on Lambda. Only app.py and this package are deployed."""

from . import classcode

classcode.install()  # the methods a cold start's dataclasses and named tuples write, kept compiled
