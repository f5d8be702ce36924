#!/usr/bin/env bash
# The benchmarks of bench/README.md, one database at a time.
#
#   bench/run.sh load   NAME URL N [bench-load options]  # load N dossiers (timed)
#   bench/run.sh list   NAME URL                         # officials' list latency (+ EXPLAIN)
#   bench/run.sh submit NAME URL [SECONDS] [CONNECTIONS] # submissions/s under wrk
#
# NAME names the output folder var/bench/NAME (git ignores var/); URL is a DATABASE_URL.
# The server is granian with 2 WSGI workers (bench/serve.sh), production settings
# (DEBUG=0), on 127.0.0.1:8000; the client runs on the same machine.
set -euo pipefail
cd "$(dirname "$0")/.."
cmd=$1; name=$2; url=$3; shift 3
out=var/bench/$name
mkdir -p "$out"
port=8000
db=${url##*/}

start_server() {
  DATABASE_URL=$url .venv/bin/motcua migrate --verbosity 0
  pgid=$(bench/serve.sh "$url" "$port" "${THREADS:-2}")
  echo "server process group $pgid"
  DATABASE_URL=$url .venv/bin/python bench/prepare.py "$out" --bodies 3000 \
    --base-url "http://127.0.0.1:$port"
}

stop_server() { kill -- "-$pgid" 2>/dev/null || true; sleep 1; }

case $cmd in
  load)
    n=$1; shift
    uptime | tee "$out/load.txt"
    DATABASE_URL=$url /usr/bin/time -v .venv/bin/motcua bench-load --dossiers "$n" "$@" \
      2>&1 | tee -a "$out/load.txt"
    uptime | tee -a "$out/load.txt"
    ;;
  list)
    start_server
    trap stop_server EXIT
    uptime | tee "$out/list.txt"
    python3 bench/list_latency.py --base-url "http://127.0.0.1:$port" --tokens "$out/tokens.json" \
      --requests "${REQUESTS:-200}" --deep-pages "${DEEP_PAGES:-100}" --out "$out/list.json" \
      | tee -a "$out/list.txt"
    uptime | tee -a "$out/list.txt"
    if [[ $url == postgres* ]]; then
      DATABASE_URL=$url .venv/bin/python bench/explain.py "$out/tokens.json" > "$out/explain.txt"
    fi
    ;;
  submit)
    seconds=${1:-30}; connections=${2:-16}
    start_server
    trap stop_server EXIT
    token=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['portal'])" \
      "$out/tokens.json")
    pgdb=""; [[ $url == postgres* ]] && pgdb="--db $db"
    # Warm up (imports, connections, caches), then measure.
    BODIES=$out/bodies.jsonl TOKEN=$token RUN="warm$$" wrk -t2 -c"$connections" -d5s \
      -s bench/submit.lua "http://127.0.0.1:$port" > /dev/null 2>&1
    python3 bench/cpu.py snap --pgid "$pgid" $pgdb > "$out/cpu-before.json"
    uptime | tee "$out/submit.txt"
    BODIES=$out/bodies.jsonl TOKEN=$token RUN="run$$" /usr/bin/time -f "wrk cpu %U user %S sys" \
      wrk -t2 -c"$connections" -d"${seconds}s" --latency -s bench/submit.lua \
      "http://127.0.0.1:$port" 2>&1 | tee -a "$out/submit.txt"
    python3 bench/cpu.py snap --pgid "$pgid" $pgdb > "$out/cpu-after.json"
    echo "server and database CPU seconds: $(python3 bench/cpu.py diff "$out/cpu-before.json" \
      "$out/cpu-after.json")" | tee -a "$out/submit.txt"
    uptime | tee -a "$out/submit.txt"
    ;;
  *)
    echo "unknown command $cmd" >&2
    exit 2
    ;;
esac
