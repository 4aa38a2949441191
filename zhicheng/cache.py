"""Django's Redis cache with one redis-py client per connection pool instead of one per call.

`django.core.cache.backends.redis.RedisCacheClient.get_client` builds a new `redis.Redis` for every cache operation,
and each one copies redis-py's table of ~170 response callbacks into a new case-insensitive dict: about 0.1 ms per
call, which every signed-in request pays for its session read and every throttled request for its counters
(issue 17). A `redis.Redis` holds no connection of its own (it borrows one from the pool per command) and is safe
to share between threads, so one per pool behaves the same.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
