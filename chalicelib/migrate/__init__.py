"""Moving in and out: parsing WordPress and Disqus exports, and writing replybox's own exports."""
