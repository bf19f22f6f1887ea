"""replybox: comment moderation on Lambda. Only app.py and this package are deployed."""
