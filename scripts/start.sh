#!/usr/bin/env bash
# Start the whole system on its embedded defaults: a SQLite file, the console SMS gateway,
# the shipped message library and HTTP on port 8000. Two processes, as under a campaign's load
# (README, "Inbound texts"): `serve` stores and answers the webhooks and serves the pages and
# the API; `worker` handles the stored texts, plans and sends. Ctrl-C stops both; so does
# either one stopping. Settings: README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
T4B_EXTRAS=""
. scripts/venv.sh
.venv/bin/text4baby-ru db upgrade
.venv/bin/text4baby-ru content import
echo "Text4baby Russia on http://127.0.0.1:${PORT:-8000} (API docs at /docs); Ctrl-C stops it"
pids=()
stop() { kill -TERM "${pids[@]}" 2>/dev/null || true; }
trap stop INT TERM
.venv/bin/text4baby-ru serve --no-scheduler --no-handler --host "${HOST:-127.0.0.1}" \
    --port "${PORT:-8000}" &
pids+=($!)
.venv/bin/text4baby-ru worker &
pids+=($!)
status=0
wait -n || status=$?
stop
wait || true
exit "$status"
