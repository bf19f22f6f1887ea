"""The browser side of replybox: the demo blog page, the moderation page and the embeddable widget."""
