#!/usr/bin/env bash
# Start the whole system on its embedded defaults: a SQLite file, the console SMS gateway,
# the shipped message library, HTTP on port 8000 and the scheduler. Settings: README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
T4B_EXTRAS=""
. scripts/venv.sh
.venv/bin/text4baby-ru db upgrade
.venv/bin/text4baby-ru content import
echo "Text4baby Russia on http://127.0.0.1:${PORT:-8000} (API docs at /docs); Ctrl-C stops it"
exec .venv/bin/text4baby-ru serve --host "${HOST:-127.0.0.1}" --port "${PORT:-8000}"
