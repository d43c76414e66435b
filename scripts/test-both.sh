#!/usr/bin/env bash
# Run the test suite on SQLite and on PostgreSQL at the same time, then show every report.
# Fails if any part fails.
#
# The machines have two cores, and the PostgreSQL run takes longer than the SQLite one
# (a server to talk to, row-level security): it is split in two processes, each with a
# PostgreSQL cluster of its own (the permission and isolation tests, generated from the
# URL map, in one; everything else in the other), so both cores stay busy until the end.
# Arguments are passed to every pytest (e.g. -x, -k name).
set -uo pipefail
cd "$(dirname "$0")/.."
logs=$(mktemp -d)
GENERATED=(tests/test_permissions.py tests/test_isolation.py)
IGNORE=()
for path in "${GENERATED[@]}"; do IGNORE+=(--ignore "$path"); done

TEST_DATABASE=sqlite .venv/bin/pytest "$@" >"$logs/sqlite.log" 2>&1 &
sqlite_pid=$!
TEST_DATABASE=postgresql .venv/bin/pytest "${IGNORE[@]}" "$@" >"$logs/postgresql.log" 2>&1 &
pg_pid=$!
TEST_DATABASE=postgresql .venv/bin/pytest "${GENERATED[@]}" "$@" \
    >"$logs/postgresql-generated.log" 2>&1 &
pg_generated_pid=$!
wait "$sqlite_pid"; sqlite_status=$?
wait "$pg_pid"; pg_status=$?
wait "$pg_generated_pid"; pg_generated_status=$?
for name in sqlite postgresql postgresql-generated; do
    echo "================================ $name ================================"
    cat "$logs/$name.log"
done
rm -rf "$logs"
echo "sqlite: exit $sqlite_status, postgresql: exit $pg_status," \
    "postgresql (permissions, isolation): exit $pg_generated_status"
[ "$sqlite_status" -eq 0 ] && [ "$pg_status" -eq 0 ] && [ "$pg_generated_status" -eq 0 ]
