#!/usr/bin/env bash
# Run the test suite on SQLite and on PostgreSQL at the same time, one process per
# database (the machines have two cores), then show both reports. Fails if either fails.
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
TEST_DATABASE=sqlite .venv/bin/pytest "$@" >"$logs/sqlite.log" 2>&1 &
sqlite_pid=$!
TEST_DATABASE=postgresql .venv/bin/pytest "$@" >"$logs/postgresql.log" 2>&1 &
pg_pid=$!
wait "$sqlite_pid"; sqlite_status=$?
wait "$pg_pid"; pg_status=$?
for name in sqlite postgresql; do
    echo "================================ $name ================================"
    cat "$logs/$name.log"
done
rm -rf "$logs"
echo "sqlite: exit $sqlite_status, postgresql: exit $pg_status"
[ "$sqlite_status" -eq 0 ] && [ "$pg_status" -eq 0 ]
