#!/usr/bin/env bash
# Backup and restore drill: back up a PostgreSQL database with pg_dump, restore it into a fresh
# database with pg_restore, and compare every table's row count and content checksum.
#
#   scripts/backup_restore_drill.sh                 # a scratch database with the demo partnership
#   scripts/backup_restore_drill.sh portal_live     # an existing database, left untouched
#
# PGHOST (default 127.0.0.1) and PGUSER (default postgres) say where PostgreSQL is. The dump is
# kept in var/backups/. The restored copy is dropped at the end unless KEEP_RESTORED=1.
# Exits non-zero if any table differs.
set -euo pipefail
cd "$(dirname "$0")/.."

export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-postgres}"
SOURCE="${1:-portal_drill}"
STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
TARGET="${SOURCE}_restore_${STAMP,,}"
DUMP="var/backups/${SOURCE}-${STAMP}.dump"
mkdir -p var/backups

if [ $# -eq 0 ]; then
  echo "== preparing ${SOURCE} with the demo partnership"
  psql -qc "DROP DATABASE IF EXISTS ${SOURCE}" postgres
  psql -qc "CREATE DATABASE ${SOURCE}" postgres
  DATABASE_URL="postgres://${PGUSER}@${PGHOST}:5432/${SOURCE}" DEBUG=1 .venv/bin/python manage.py migrate --no-input -v 0
  DATABASE_URL="postgres://${PGUSER}@${PGHOST}:5432/${SOURCE}" DEBUG=1 .venv/bin/python manage.py load_demo >/dev/null
fi

echo "== backing up ${SOURCE}"
started=$(date +%s.%N)
pg_dump --format=custom --no-owner --file "$DUMP" "$SOURCE"
dumped=$(date +%s.%N)
echo "== restoring into ${TARGET}"
psql -qc "CREATE DATABASE ${TARGET}" postgres
pg_restore --no-owner --exit-on-error --dbname "$TARGET" "$DUMP"
restored=$(date +%s.%N)

# Row count and an md5 of every row's text, in a stable order, for each table of the public schema.
fingerprint() {
  psql -d "$1" -At -F ' ' <<'SQL'
SELECT format('SELECT %L, count(*), coalesce(md5(string_agg(t::text, %L ORDER BY t::text)), %L) FROM %I.%I t;',
              table_name, '|', '-', table_schema, table_name)
FROM information_schema.tables
WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
ORDER BY table_name
\gexec
SQL
}
fingerprint "$SOURCE" | sort >"var/backups/${STAMP}-source.txt"
fingerprint "$TARGET" | sort >"var/backups/${STAMP}-restored.txt"

tables=$(wc -l <"var/backups/${STAMP}-source.txt")
rows=$(awk '{s += $2} END {print s}' "var/backups/${STAMP}-source.txt")
printf '%-45s %10s  %s\n' "table" "rows" "checksum (source = restored)"
join -a1 -a2 -e MISSING -o 0,1.2,1.3,2.2,2.3 "var/backups/${STAMP}-source.txt" "var/backups/${STAMP}-restored.txt" |
  awk '{ ok = ($2 == $4 && $3 == $5) ? "same" : "DIFFERENT"; printf "%-45s %10s  %s %s\n", $1, $2, substr($3, 1, 12), ok }'
different=$(join -a1 -a2 -e MISSING -o 0,1.2,1.3,2.2,2.3 "var/backups/${STAMP}-source.txt" "var/backups/${STAMP}-restored.txt" |
  awk '$2 != $4 || $3 != $5' | wc -l)

echo "== ${tables} tables, ${rows} rows; ${different} table(s) differ"
echo "dump: ${DUMP} ($(du -h "$DUMP" | cut -f1)), pg_dump $(printf '%.1f' "$(echo "$dumped - $started" | bc)") s, pg_restore $(printf '%.1f' "$(echo "$restored - $dumped" | bc)") s"
if [ "${KEEP_RESTORED:-0}" != "1" ]; then
  psql -qc "DROP DATABASE ${TARGET}" postgres
fi
[ "$different" -eq 0 ]
