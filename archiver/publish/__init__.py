"""Publishing: static pages, JSON and feeds written into the store."""
