"""What the server keeps between requests: the protocols (base) and their backends.

- SQLite in instance/ (the default): shared by the worker processes of one server.
- Redis (ASSISTANT_REDIS_URL): shared by every replica behind a load balancer.
- Memory: the per-process answer cache, and what Redis falls back to while it is down.

`assistant.startup.open_storage` picks the backend from the settings.
"""
