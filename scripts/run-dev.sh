#!/usr/bin/env bash
# Serves danvan on http://127.0.0.1:8000 with the background worker (django-tasks-db).
# The worker stops when the server stops.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
"$PY" manage.py db_worker &
worker=$!
trap 'kill "$worker" 2>/dev/null || true; wait "$worker" 2>/dev/null || true' EXIT INT TERM
echo "danvan: http://127.0.0.1:8000  (worker pid $worker; Ctrl+C stops both)"
"$PY" manage.py runserver 127.0.0.1:8000
