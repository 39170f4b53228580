#!/bin/sh
# Initialises $PGDATA on first start (like the official image), then runs Postgres in the foreground.
set -eu
mkdir -p "$PGDATA" /run/postgresql
chown -R postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  su postgres -c "initdb -D '$PGDATA' -U postgres --auth-local=trust --auth-host=scram-sha-256" >/dev/null
  printf "%s\n" "${POSTGRES_PASSWORD:-postgres}" > /tmp/pwfile
  su postgres -c "postgres --single -D '$PGDATA' postgres" <<SQL >/dev/null
ALTER USER postgres PASSWORD '$(cat /tmp/pwfile)';
SQL
  rm -f /tmp/pwfile
  echo "host all all 0.0.0.0/0 scram-sha-256" >> "$PGDATA/pg_hba.conf"
fi
exec su postgres -c "exec postgres -D '$PGDATA' -c listen_addresses='*'"
