#!/usr/bin/env bash
# Start the app under granian (2 WSGI workers, production settings) in its own process
# group, wait until it answers, and print the group id. Stop it with: kill -- -PGID
#   [APP=bench.patched_wsgi:application] bench/serve.sh DATABASE_URL [PORT] [BLOCKING_THREADS]
set -euo pipefail
cd "$(dirname "$0")/.."
url=$1; port=${2:-8000}; threads=${3:-2}
mkdir -p var/bench
export DATABASE_URL=$url DEBUG=0 SECRET_KEY=bench-not-secret ALLOWED_HOSTS=127.0.0.1,localhost \
  SECURE_SSL_REDIRECT=0 CONN_MAX_AGE=600 LOG_LEVEL=WARNING MOTCUA_DATA_DIR=$PWD/var/bench/data
setsid .venv/bin/granian --interface wsgi "${APP:-motcua.wsgi:application}" --host 127.0.0.1 \
  --port "$port" --workers 2 --blocking-threads "$threads" --no-access-log \
  >"var/bench/granian-$port.log" 2>&1 < /dev/null &
pid=$!
for _ in $(seq 1 100); do
  if curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/procedures/?limit=1"; then break; fi
  sleep 0.2
done
ps -o pgid= "$pid" | tr -d ' '
