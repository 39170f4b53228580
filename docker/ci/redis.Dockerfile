# CI-only stand-in for redis:7 (Debian's redis-server 7.0; used through docker/compose.ci.yml only).
# Like the official image's entrypoint: protected mode off, since the port is reachable only on the
# compose network.
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* && mkdir -p /data && chown redis:redis /data \
 && printf '#!/bin/sh\nif [ "$1" = redis-server ]; then exec "$@" --protected-mode no; fi\nexec "$@"\n' \
      > /usr/local/bin/redis-entrypoint && chmod +x /usr/local/bin/redis-entrypoint
WORKDIR /data
USER redis
EXPOSE 6379
ENTRYPOINT ["/usr/local/bin/redis-entrypoint"]
CMD ["redis-server"]
