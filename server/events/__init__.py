"""Events beyond their storage: the live event bus (bus.py) behind GET /6/ws and EventsStreamService."""
