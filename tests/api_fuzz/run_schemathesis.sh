#!/usr/bin/env bash
# API robustness: schemathesis against the project's own OpenAPI schema, every phase, at least
# 100 examples per operation, authenticated in turn as each demo role's token.
#
#   tests/api_fuzz/run_schemathesis.sh            (PostgreSQL on 127.0.0.1:5432 as user postgres)
#
# Every check runs except positive_data_acceptance, which expects any schema-valid request to
# succeed: a stale If-Match version (412), a wrong password for the token (400) and a cancellation
# with no reason (400) are schema-valid and must still be refused. schemathesis.toml beside this script
# counts two more answers as refusals: 414 (gunicorn's, for a request line over 4 KB) and 428 (a PATCH
# without If-Match).
#
# Environment: FUZZ_DATABASE (default portal_fuzz; dropped and recreated), PORT (default 8208),
# MAX_EXAMPLES (default 100), PGHOST/PGUSER. Reports go to var/api-fuzz/. Exits non-zero if any
# role's run found a server error or a schema violation.
set -uo pipefail
cd "$(dirname "$0")/../.."

DB="${FUZZ_DATABASE:-portal_fuzz}"
PORT="${PORT:-8208}"
MAX_EXAMPLES="${MAX_EXAMPLES:-100}"
PGHOST="${PGHOST:-127.0.0.1}"
PGUSER="${PGUSER:-postgres}"
OUT="var/api-fuzz"
mkdir -p "$OUT"

export DATABASE_URL="postgres://${PGUSER}@${PGHOST}:5432/${DB}"
unset REDIS_URL  # exports render in-process
psql -h "$PGHOST" -U "$PGUSER" -qc "DROP DATABASE IF EXISTS ${DB}" postgres
psql -h "$PGHOST" -U "$PGUSER" -qc "CREATE DATABASE ${DB}" postgres
DEBUG=1 .venv/bin/python manage.py migrate --no-input -v 0
DEBUG=1 .venv/bin/python manage.py load_demo >/dev/null

declare -A TOKENS
for who in manager member member2 scrutineer viewer; do
  TOKENS[$who]=$(DEBUG=1 .venv/bin/python manage.py create_api_token "${who}@demo.example")
done

# The server as in production (DEBUG off), over plain HTTP on a local port.
DEBUG=0 SECRET_KEY="fuzz-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')" ALLOWED_HOSTS=127.0.0.1 \
  SECURE_SSL_REDIRECT=0 PLAIN_STATIC_STORAGE=1 API_THROTTLE_RATE=1000000/minute LOG_LEVEL=WARNING \
  .venv/bin/gunicorn partnership_portal.wsgi -b "127.0.0.1:${PORT}" -w 2 --threads 2 --timeout 120 \
  >"$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:${PORT}/healthz" >/dev/null && break; sleep 1; done

curl -sf -H "Authorization: Token ${TOKENS[manager]}" -H "Accept: application/json" \
  "http://127.0.0.1:${PORT}/api/schema/?format=json" -o "$OUT/schema.json" || { echo "could not fetch the schema"; exit 2; }

status=0
summary=()
for who in manager member member2 scrutineer viewer; do
  echo "== schemathesis as ${who}@demo.example"
  .venv/bin/schemathesis --config-file tests/api_fuzz/schemathesis.toml run "$OUT/schema.json" --url "http://127.0.0.1:${PORT}" \
    -H "Authorization: Token ${TOKENS[$who]}" \
    --phases examples,coverage,fuzzing,stateful --checks all --exclude-checks positive_data_acceptance \
    --max-examples "$MAX_EXAMPLES" \
    --workers 2 --seed 20261121 --no-color --generation-database none \
    --report junit --report-junit-path "$OUT/${who}.xml" >"$OUT/${who}.txt" 2>&1
  rc=$?
  tail -n 25 "$OUT/${who}.txt"
  [ $rc -ne 0 ] && status=1
  summary+=("${who}: exit ${rc}")
done
echo "== summary"
printf '%s\n' "${summary[@]}"
echo "server errors logged by the server: $(grep -c ' 500 \|Internal Server Error' "$OUT/server.log" || true)"
exit $status
