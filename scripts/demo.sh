#!/usr/bin/env bash
# make demo: migrate the embedded SQLite database, start the Kraken simulator with a demo
# account, a Celery worker and beat (on the filesystem broker under var/celery unless
# CELERY_BROKER_URL is set), connect and sync it, and serve the app on http://127.0.0.1:$DEMO_PORT.
# Ctrl-C stops all of them.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
DEMO_PORT=${DEMO_PORT:-8000}
SIM_PORT=${SIM_PORT:-8765}
SIM_SEED=${SIM_SEED:-7}
SIM_SIZE=${SIM_SIZE:-3000}
SIM_SPEED=${SIM_SPEED:-20}
# A taken port is found now, not after the minute of migrating and syncing that follows.
port_taken() {
  ! $PY -c 'import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}
if port_taken "$DEMO_PORT"; then
  echo "Port ${DEMO_PORT} is already in use: stop what listens there, or pick another port" \
    "for the app with DEMO_PORT, e.g. DEMO_PORT=8001 make demo" >&2
  exit 1
fi
if port_taken "$SIM_PORT"; then
  echo "Port ${SIM_PORT} (the Kraken simulator's) is already in use: pick another with" \
    "SIM_PORT, e.g. SIM_PORT=8766 make demo" >&2
  exit 1
fi
mkdir -p var
rm -f var/sim.env
# The simulator's clock runs SIM_SPEED times faster than Kraken's, public limit included.
export KRAKEN_PUBLIC_RATE="$SIM_SPEED"
# The simulator listens on loopback, which connections may only use when the operator allows it.
export KRAKEN_ALLOWED_HOSTS="${KRAKEN_ALLOWED_HOSTS:-127.0.0.1}"

$PY manage.py migrate --noinput
$PY manage.py kraken_simulator --port "$SIM_PORT" --seed "$SIM_SEED" --size "$SIM_SIZE" \
  --tier pro --speed "$SIM_SPEED" --write-credentials var/sim.env > var/simulator.log 2>&1 &
PIDS=($!)
stop_all() { kill "${PIDS[@]}" 2>/dev/null || true; wait "${PIDS[@]}" 2>/dev/null || true; }
trap stop_all EXIT
trap 'exit 130' INT TERM
for _ in $(seq 60); do [ -s var/sim.env ] && break; sleep 0.5; done
[ -s var/sim.env ] || { echo "the simulator did not start; see var/simulator.log" >&2; exit 1; }
echo "Kraken simulator on http://127.0.0.1:${SIM_PORT} (seed ${SIM_SEED}, ${SIM_SIZE} ledger entries)"

# Long work (syncs, rebuilds, price fills, imports) runs here, never inside a web request.
unset CELERY_TASK_ALWAYS_EAGER
$PY -m celery -A portfolio worker --loglevel=INFO --concurrency 2 --without-gossip \
  --without-mingle > var/worker.log 2>&1 &
PIDS+=($!)
$PY -m celery -A portfolio beat --loglevel=INFO --schedule var/celerybeat-schedule \
  > var/beat.log 2>&1 &
PIDS+=($!)
echo "Celery worker and beat started (logs: var/worker.log, var/beat.log)"

$PY manage.py demo_setup --sim-env var/sim.env --speed "$SIM_SPEED"
$PY manage.py kraken_sync --user demo
$PY manage.py accounting_rebuild --user demo

echo
echo "  Kraken Portfolio demo: http://127.0.0.1:${DEMO_PORT}"
echo "  Log in as:  demo  /  kraken-demo-2026"
echo
$PY manage.py runserver "127.0.0.1:${DEMO_PORT}" --noreload &
PIDS+=($!)
wait "${PIDS[-1]}"
