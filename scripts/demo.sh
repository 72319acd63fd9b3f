#!/usr/bin/env bash
# make demo: migrate the embedded SQLite database, start the Kraken simulator with a demo
# account, connect and sync it, and serve the app on http://127.0.0.1:$DEMO_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
DEMO_PORT=${DEMO_PORT:-8000}
SIM_PORT=${SIM_PORT:-8765}
mkdir -p var
$PY manage.py migrate --noinput
$PY manage.py demo_setup
echo
echo "  Kraken Portfolio demo: http://127.0.0.1:${DEMO_PORT}"
echo "  Log in as:  demo  /  kraken-demo-2026"
echo
exec $PY manage.py runserver "127.0.0.1:${DEMO_PORT}" --noreload
