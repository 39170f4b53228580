# CI-only stand-in for postgres:17 (Debian's Postgres; used through docker/compose.ci.yml only).
FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends postgresql tini \
 && rm -rf /var/lib/apt/lists/*
COPY postgres-entrypoint.sh /usr/local/bin/postgres-entrypoint.sh
ENV PGDATA=/var/lib/postgresql/data PATH=/usr/lib/postgresql/15/bin:$PATH
EXPOSE 5432
ENTRYPOINT ["tini", "--", "/usr/local/bin/postgres-entrypoint.sh"]
