#!/usr/bin/env bash
# PostgreSQL stopped under load: is the page up, is anything lost, how long does the backlog take?
#
# Starts a PostgreSQL of its own (the installed server binaries, e.g. Debian's postgresql package)
# and Watchpost on it as users do (./watchpost), puts it under flapping heartbeat load with a
# webhook alert channel, stops PostgreSQL for OUTAGE seconds, starts it again, and reports:
# non-200 answers of the page and a target's API during the outage, readiness, transitions lost
# (every accepted state change must have its row, in a consistent chain), alerts delivered, and
# how long the backlog of unwritten transitions took to drain.
#
# Usage: scripts/db-outage.sh           (OUTAGE=60 TARGETS=200 RATE=1000 WARMUP=10 by default)
# Needs: PostgreSQL server binaries (initdb, pg_ctl; PGBIN=... to choose), python3, curl.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/find-jdk.sh
JDK=$(find_jdk)
export JAVA_HOME=$JDK

export OUTAGE=${OUTAGE:-60} TARGETS=${TARGETS:-200} RATE=${RATE:-1000} WARMUP=${WARMUP:-10}
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
WP_PORT=${WP_PORT:-$(free_port)}
PG_PORT=${PG_PORT:-$(free_port)}
HOOK_PORT=${HOOK_PORT:-$(free_port)}
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)}
[ -x "${PGBIN:-}/pg_ctl" ] || { echo "db-outage: PostgreSQL server binaries not found (apt-get install postgresql, or PGBIN=...)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "db-outage: python3 is needed" >&2; exit 1; }

./watchpost --help >/dev/null # builds the server when its sources changed

work=$(mktemp -d)
chmod 755 "$work"
as_pg() { # initdb refuses to run as root: PostgreSQL's own user runs the server then
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
mkdir -p "$work/pg" "$work/sock"
if [ "$(id -u)" -eq 0 ]; then chown postgres "$work/pg" "$work/sock"; fi
cleanup() {
  [ -n "${wp_pid:-}" ] && kill "$wp_pid" 2>/dev/null && wait "$wp_pid" 2>/dev/null || true
  as_pg "$PGBIN/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

as_pg "$PGBIN/initdb" -D "$work/pg" -U postgres -A trust --no-sync >/dev/null
export PG_CTL_START="$PGBIN/pg_ctl -D $work/pg -l $work/sock/pg.log -w -o '-p $PG_PORT -k $work/sock -c listen_addresses=127.0.0.1' start"
export PG_CTL_STOP="$PGBIN/pg_ctl -D $work/pg -m fast -w stop"
as_pg bash -c "$PG_CTL_START" >/dev/null
as_pg "$PGBIN/psql" -h "$work/sock" -p "$PG_PORT" -U postgres -qc "CREATE DATABASE watchpost" >/dev/null
export PSQL="$PGBIN/psql -h $work/sock -p $PG_PORT -U postgres -d watchpost -At"
if [ "$(id -u)" -eq 0 ]; then export AS_PG="runuser -u postgres --"; else export AS_PG=""; fi

{
  echo "targets:"
  for i in $(seq -f '%03g' 1 "$TARGETS"); do echo "  - { id: outage/t$i, push: { every: 1h } }"; done
  echo "channels:"
  echo "  - id: hook"
  echo "    webhook: { url: \"http://127.0.0.1:$HOOK_PORT/hook\" }"
  echo "rules:"
  echo "  - notify: [hook]"
} > "$work/watchpost.yml"
export TOKEN=outage-ingest-token-00000001
WATCHPOST_CONFIG="$work/watchpost.yml" WATCHPOST_DATA="$work/data" WATCHPOST_PORT=$WP_PORT \
  WATCHPOST_DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/watchpost?user=postgres" \
  WATCHPOST_INGEST_TOKEN=$TOKEN WATCHPOST_ADMIN_TOKEN=outage-admin-token-0000000001 \
  WATCHPOST_ALERTS_STARTUP_GRACE=0s WATCHPOST_LOG_LEVEL=info \
  ./watchpost > "$work/watchpost.log" 2>&1 & wp_pid=$!
until curl -fs "127.0.0.1:$WP_PORT/readyz" >/dev/null 2>&1; do
  kill -0 "$wp_pid" 2>/dev/null || { cat "$work/watchpost.log" >&2; exit 1; }
  sleep 0.2
done

status=0
WP_PORT=$WP_PORT HOOK_PORT=$HOOK_PORT python3 - <<'PY' || status=$?
import http.client, http.server, json, os, random, shlex, subprocess, threading, time

wp, hook_port = int(os.environ["WP_PORT"]), int(os.environ["HOOK_PORT"])
outage, targets, rate, warmup = (int(os.environ[k]) for k in ("OUTAGE", "TARGETS", "RATE", "WARMUP"))
token = os.environ["TOKEN"]
as_pg = shlex.split(os.environ["AS_PG"])
ids = ["outage/t%03d" % i for i in range(1, targets + 1)]
phase = "before"  # before, outage, after
stop = threading.Event()
lock = threading.Lock()

# --- alerts: a webhook receiver that counts what arrives, and when
alerts = {"before": 0, "outage": 0, "after": 0}
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with lock:
            alerts[phase] += 1
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
hook = http.server.ThreadingHTTPServer(("127.0.0.1", hook_port), Hook)
threading.Thread(target=hook.serve_forever, daemon=True).start()

# --- load: heartbeats for every target; each flips online/offline every 5-15 s
expected = {i: 0 for i in ids}   # accepted state changes per target (the first report counts: unknown -> online)
reported = {}
rejected = {"before": 0, "outage": 0, "after": 0}
sent = {"before": 0, "outage": 0, "after": 0}
changes = {"before": 0, "outage": 0, "after": 0}
def load(mine, per_second):
    c = http.client.HTTPConnection("127.0.0.1", wp, timeout=30)
    flip_at = {i: time.monotonic() + random.uniform(1, 15) for i in mine}
    state = {i: "online" for i in mine}
    interval = len(mine) / per_second
    while not stop.is_set():
        t0 = time.monotonic()
        for i in mine:
            if t0 >= flip_at[i]:
                state[i] = "offline" if state[i] == "online" else "online"
                flip_at[i] = t0 + random.uniform(5, 15)
            p = phase
            try:
                c.request("POST", "/api/v1/heartbeat/" + i, body=json.dumps({"state": state[i]}),
                          headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
                r = c.getresponse(); r.read()
                ok = r.status == 204
            except Exception:
                ok = False
                c.close(); c = http.client.HTTPConnection("127.0.0.1", wp, timeout=30)
            with lock:
                sent[p] += 1
                if not ok:
                    rejected[p] += 1
                elif reported.get(i) != state[i]:
                    reported[i] = state[i]; expected[i] += 1; changes[p] += 1
        time.sleep(max(0, interval - (time.monotonic() - t0)))
workers = 4
for w in range(workers):
    threading.Thread(target=load, args=(ids[w::workers], rate / workers), daemon=True).start()

# --- readers: the page, one target's API and readiness, every 100 ms
reads = {}  # (phase, what) -> [count, non200, max_ms]
def reader(what, path, expect):
    c = http.client.HTTPConnection("127.0.0.1", wp, timeout=30)
    while not stop.is_set():
        p = phase; t0 = time.monotonic()
        try:
            c.request("GET", path); r = c.getresponse(); r.read(); status = r.status
        except Exception:
            status = 0; c.close(); c = http.client.HTTPConnection("127.0.0.1", wp, timeout=30)
        ms = (time.monotonic() - t0) * 1000
        with lock:
            s = reads.setdefault((p, what), [0, 0, 0.0])
            s[0] += 1; s[1] += status not in expect; s[2] = max(s[2], ms)
        time.sleep(0.1)
for what, path, expect in (("page GET /", "/", (200,)), ("GET /api/v1/targets/{id}", "/api/v1/targets/" + ids[0], (200,))):
    threading.Thread(target=reader, args=(what, path, expect), daemon=True).start()

def get(path):
    c = http.client.HTTPConnection("127.0.0.1", wp, timeout=30)
    t0 = time.monotonic(); c.request("GET", path); r = c.getresponse(); body = r.read().decode()
    return r.status, body, (time.monotonic() - t0) * 1000
def metric(name):
    for line in get("/metrics")[1].splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.rsplit(" ", 1)[1])
    return float("nan")
def pg(cmd):
    subprocess.run(as_pg + ["bash", "-c", os.environ[cmd]], check=True, stdout=subprocess.DEVNULL)

time.sleep(warmup)
pending_max = 0.0
phase = "outage"
t_stop = time.monotonic()
pg("PG_CTL_STOP")
stopped_in = time.monotonic() - t_stop
ready_503_after, readyz_max_ms = None, 0.0
while time.monotonic() - t_stop < outage:
    status, _, ms = get("/readyz")
    readyz_max_ms = max(readyz_max_ms, ms)
    if status == 503 and ready_503_after is None:
        ready_503_after = time.monotonic() - t_stop
    p = metric("watchpost_transitions_pending")
    pending_max = max(pending_max, p) if p == p else pending_max
    time.sleep(0.2)
status, page, _ = get("/")
marked = "History unavailable" in page
phase = "after"
t_start = time.monotonic()
pg("PG_CTL_START")
ready_after = drained_after = None
while time.monotonic() - t_start < 120:
    now = time.monotonic() - t_start
    if ready_after is None and get("/readyz")[0] == 200:
        ready_after = now
    pending = metric("watchpost_transitions_pending")
    if pending != pending:  # NaN: a build without the metric; wait a while instead
        if now > 30:
            break
    else:
        pending_max = max(pending_max, pending)
    if ready_after is not None and pending == 0:
        drained_after = now
        break
    time.sleep(0.1)
time.sleep(5)
stop.set()
time.sleep(1)
deadline = time.monotonic() + 60
while metric("watchpost_transitions_pending") != 0 and time.monotonic() < deadline:
    time.sleep(0.2)  # (a build without the metric waits the whole minute)

psql = as_pg + shlex.split(os.environ["PSQL"])
rows = dict(line.split("|") for line in subprocess.run(psql + ["-c",
    "SELECT target_id, count(*) FROM transition WHERE target_id LIKE 'outage/%' GROUP BY target_id"],
    check=True, capture_output=True, text=True).stdout.split())
broken = subprocess.run(psql + ["-c",
    "SELECT count(*) FROM (SELECT from_state, lag(to_state) OVER (PARTITION BY target_id ORDER BY at, id) AS prev "
    "FROM transition WHERE target_id LIKE 'outage/%') x WHERE prev IS NOT NULL AND prev <> from_state"],
    check=True, capture_output=True, text=True).stdout.strip()
lost = sum(max(0, expected[i] - int(rows.get(i, 0))) for i in ids)
extra = sum(max(0, int(rows.get(i, 0)) - expected[i]) for i in ids)
coalesced = metric("watchpost_transitions_coalesced_total")
coalesced = "n/a" if coalesced != coalesced else "%d" % coalesced

print("== PostgreSQL stopped for %d s under %d heartbeats/s to %d flapping targets (warm-up %d s)" % (outage, rate, targets, warmup))
print("pg_ctl stop took %.1f s; /readyz said 503 after %.1f s (slowest /readyz answer %.0f ms)"
      % (stopped_in, ready_503_after or -1, readyz_max_ms))
for p in ("before", "outage", "after"):
    print("%-7s heartbeats sent %6d, not accepted %d, state changes %d" % (p, sent[p], rejected[p], changes[p]))
for (p, what), (n, bad, mx) in sorted(reads.items(), key=lambda kv: (("before", "outage", "after").index(kv[0][0]), kv[0][1])):
    print("%-7s %-26s %5d reads, non-200: %d, slowest %.0f ms" % (p, what, n, bad, mx))
print("page during the outage marked 'History unavailable': %s" % ("yes" if marked else "NO"))
print("transitions pending at most: %d; /readyz 200 again %.1f s after pg_ctl start; backlog drained %s s after it"
      % (pending_max, ready_after or -1, "%.1f" % drained_after if drained_after is not None else "NOT"))
print("transitions accepted %d, in the database %d: lost %d, extra %d; chain breaks %s; coalesced %s"
      % (sum(expected.values()), sum(int(v) for v in rows.values()), lost, extra, broken, coalesced))
print("alerts delivered: before %d, during the outage %d, after %d" % (alerts["before"], alerts["outage"], alerts["after"]))
ok = lost == 0 and broken == "0" and all(v[1] == 0 for (p, _), v in reads.items()) and sum(rejected.values()) == 0 and marked
print("RESULT: " + ("ok" if ok else "FAILED"))
raise SystemExit(0 if ok else 1)
PY
grep -c "event=store.unavailable" "$work/watchpost.log" | sed 's/^/store.unavailable log lines: /'
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $("$JDK/bin/java" -version 2>&1 | head -1), PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'), $(date -u +%F)"
exit $status
