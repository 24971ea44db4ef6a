"""The measurements of bench/cluster.sh, which sets up PostgreSQL, HAProxy and the configuration and
passes their addresses in the environment; run it through that script, not on its own.

Starts the nodes (./watchpost, as users do), drives the load with wrk, kills and restarts nodes,
receives the alerts, and prints the figures. Every node it starts is stopped when it ends, however it
ends (and its pid is in $WORK/pids for the shell script's own clean-up)."""
import http.client
import http.server
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

E = os.environ
ROOT, WORK, JDK = E["ROOT"], E["WORK"], E["JDK"]
DURATION, ROUNDS, KILLS = E["DURATION"], int(E["ROUNDS"]), int(E["KILLS"])
QUIET, QUIET_LEASE = int(E["QUIET"]), E["QUIET_LEASE"]
STEADY, STEADY_TARGETS, STEADY_RATE = int(E["STEADY"]), int(E["STEADY_TARGETS"]), int(E["STEADY_RATE"])
PARTS = E.get("PARTS", "abc")
HP_CLUSTER, HP_SINGLE, SINGLE_PORT, HOOK_PORT = (int(E[k]) for k in ("HP_CLUSTER", "HP_SINGLE", "SINGLE_PORT", "HOOK_PORT"))
NODE_PORTS = [int(p) for p in E["NODE_PORTS"].split()]
PSQL = E["AS_PG"].split() + E["PSQL"].split()
HP_PID = int(E["HP_PID"])

INGEST = "bench-cluster-ingest-token-0001"
ADMIN = "bench-cluster-admin-token-00001"
READ = "bench-cluster-read-token-000001"
SECRET = "bench-cluster-secret-00000000001"
SECRETS_KEY = "YmVuY2gtY2x1c3Rlci1zZWNyZXRzLWtleS0zMmJ5dGU="  # 32 bytes in base64, the same on every node
CLK = os.sysconf("SC_CLK_TCK")
T0 = time.monotonic()

signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def log(msg=""):
    print(msg, flush=True)


def loadavg():
    return " ".join(open("/proc/loadavg").read().split()[:3])


# ---------------------------------------------------------------- nodes

class Node:
    def __init__(self, name, port, cluster, db):
        self.name, self.port = name, port
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("WATCHPOST_")}
        self.env.update({
            "WATCHPOST_HOST": "127.0.0.1",
            "WATCHPOST_PORT": str(port),
            "WATCHPOST_DATA": f"{WORK}/{name}",
            "WATCHPOST_CONFIG": f"{WORK}/watchpost.yml",
            "WATCHPOST_DB_URL": f"jdbc:postgresql://127.0.0.1:{E['PG_PORT']}/{db}",
            "WATCHPOST_DB_USER": "postgres",
            "WATCHPOST_ADMIN_TOKEN": ADMIN,
            "WATCHPOST_INGEST_TOKEN": INGEST,
            "WATCHPOST_READ_TOKEN": READ,
            "WATCHPOST_SECRETS_KEY": SECRETS_KEY,
            "WATCHPOST_ALERTS_STARTUP_GRACE": "0s",        # a restarted node sends at once (the tests do the same)
            "WATCHPOST_MAX_CONNECTIONS_PER_ADDRESS": "0",  # behind a proxy every client has its address
            "WATCHPOST_LOG_LEVEL": "info",
            "HOOK_URL": f"http://127.0.0.1:{HOOK_PORT}/hook",
            # the run's directory on the command line: the shell's clean-up kills only what carries it
            "JAVA_OPTS": f"-Dwatchpost.bench={WORK}",
        })
        if cluster:
            self.env.update({"WATCHPOST_CLUSTER_SECRET": SECRET, "WATCHPOST_NODE_ID": name,
                             "WATCHPOST_ADVERTISE_URL": f"http://127.0.0.1:{port}"})
        self.proc = None

    def start(self):
        with open(f"{WORK}/{self.name}.log", "ab") as f:
            if self.proc is not None:
                f.write(f"==== {self.name} restarted by the benchmark ====\n".encode())
            self.proc = subprocess.Popen(["./watchpost"], cwd=ROOT, env=self.env, stdout=f, stderr=subprocess.STDOUT)
        with open(f"{WORK}/pids", "a") as p:
            p.write(f"{self.proc.pid}\n")

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise SystemExit(f"{self.name} exited (code {self.proc.returncode}); its log:\n{self.tail()}")
            try:
                if get(self.port, "/readyz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"{self.name} not ready within {timeout} s; its log:\n{self.tail()}")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def tail(self, n=40):
        with open(f"{WORK}/{self.name}.log", errors="replace") as f:
            return "".join(f.readlines()[-n:])

    def cpu(self):
        return proc_cpu(self.proc.pid) if self.alive() else 0.0


def proc_stat(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()


def proc_cpu(pid, children=False):
    """User + system CPU seconds of a process (and of its waited-for children)."""
    try:
        s = proc_stat(pid)
    except OSError:
        return 0.0
    t = int(s[11]) + int(s[12]) + (int(s[13]) + int(s[14]) if children else 0)
    return t / CLK


def pg_cpu():
    """The postmaster, its children that ended, and every PostgreSQL process running now."""
    pm = int(open(f"{WORK}/pg/postmaster.pid").readline())
    total = proc_cpu(pm, children=True)
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                if int(proc_stat(d)[1]) == pm:
                    total += proc_cpu(d)
            except (OSError, IndexError, ValueError):
                pass
    return total


# ---------------------------------------------------------------- HTTP, metrics, SQL

def request(port, method, path, body=None, token=None, timeout=10):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        return r.status, r.read()
    finally:
        c.close()


def get(port, path, timeout=10):
    return request(port, "GET", path, token=READ, timeout=timeout)


def view(port):
    return json.loads(get(port, "/api/v1/cluster")[1])


def metric(port, name):
    total = 0.0
    try:
        for line in get(port, "/metrics")[1].decode().splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                total += float(line.rsplit(" ", 1)[1])
    except OSError:
        pass
    return total


def sql(query, db="watchpost"):
    out = subprocess.run(PSQL + ["-d", db, "-c", query], check=True, capture_output=True, text=True).stdout
    return [line.split("|") for line in out.splitlines() if line]


def statements():
    """pg_stat_statements of the cluster's database: queryid -> (calls, rows, text)."""
    rows = sql("SELECT queryid, calls, rows, regexp_replace(query, '\\s+', ' ', 'g') FROM pg_stat_statements "
               "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = 'watchpost')")
    return {r[0]: (int(r[1]), int(r[2]), "|".join(r[3:])) for r in rows}


def wal_lsn():
    return sql("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")[0][0]


def transitions(where="true"):
    return int(sql(f"SELECT count(*) FROM transition WHERE {where}")[0][0])


def owners():
    """partition -> owner, as the database holds it now."""
    return {int(p): o for p, o in sql("SELECT partition_no, coalesce(owner, '') FROM cluster_partition")}


def partition(target):
    h = 0x811c9dc5
    for b in target.encode():
        h = ((h ^ b) * 0x01000193) & 0xffffffff
    return h % 256


def haproxy_stats():
    """(proxy, server) -> row of HAProxy's 'show stat' (counters since it started)."""
    import socket
    s = socket.socket(socket.AF_UNIX)
    s.connect(f"{WORK}/haproxy.sock")
    s.sendall(b"show stat\n")
    data = b""
    while chunk := s.recv(65536):
        data += chunk
    s.close()
    lines = data.decode().splitlines()
    head = lines[0].lstrip("# ").split(",")
    out = {}
    for line in lines[1:]:
        if line:
            row = dict(zip(head, line.split(",")))
            out[(row["pxname"], row["svname"])] = row
    return out


def hp_counts():
    st = haproxy_stats()
    n = lambda px, sv, k: int(st[(px, sv)].get(k) or 0)
    servers = [f"node-{i}" for i in range(3)]
    return {
        "requests": n("watchpost", "FRONTEND", "req_tot"),
        "5xx to clients": n("watchpost", "FRONTEND", "hrsp_5xx"),
        "5xx from nodes": sum(n("nodes", s, "hrsp_5xx") for s in servers),
        "response errors": n("nodes", "BACKEND", "eresp"),
        "connect errors": n("nodes", "BACKEND", "econ"),
        "retries": n("nodes", "BACKEND", "wretr"),
        "redispatches": n("nodes", "BACKEND", "wredis"),
    }


def connections_by_node():
    """PostgreSQL backend pid -> the node whose connection it serves (client port -> process, from ss)."""
    by_pid = {n.proc.pid: n.name for n in started if n.alive()}
    port_node = {}
    out = subprocess.run(["ss", "-tnpH", "state", "established"], capture_output=True, text=True).stdout
    for line in out.splitlines():
        f = line.split()
        m = re.search(r"pid=(\d+)", line)
        if len(f) >= 4 and m and int(m.group(1)) in by_pid and f[3].endswith(":" + E["PG_PORT"]):
            port_node[f[2].rsplit(":", 1)[1]] = by_pid[int(m.group(1))]
    return {pid: port_node.get(port, "?") for pid, port in sql("SELECT pid, client_port FROM pg_stat_activity WHERE client_port IS NOT NULL")}


def heap_after_gc(node):
    """Heap in use after a full collection (jcmd), MB."""
    jcmd = f"{JDK}/bin/jcmd"
    subprocess.run([jcmd, str(node.proc.pid), "GC.run"], capture_output=True, timeout=60)
    out = subprocess.run([jcmd, str(node.proc.pid), "GC.heap_info"], capture_output=True, text=True, timeout=60).stdout
    used = sum(int(k) for k in re.findall(r"used (\d+)K", out.split("Metaspace")[0]))
    return used / 1024


# ---------------------------------------------------------------- wrk

def parse_wrk(out):
    m = re.search(r"(\d+) requests in ([\d.]+)(\w+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    lat = re.search(r"Latency\s+(\S+)\s+(\S+)\s+(\S+)", out)
    return {
        "requests": int(m.group(1)) if m else 0,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)) if "Requests/sec" in out else 0.0,
        "non2xx": int(re.search(r"Non-2xx or 3xx responses: (\d+)", out).group(1)) if "Non-2xx" in out else 0,
        "socket_errors": sum(int(x) for x in errors.groups()) if errors else 0,
        "timeouts": int(errors.group(4)) if errors else 0,
        "latency": f"avg {lat.group(1)}, max {lat.group(3)}" if lat else "?",
    }


def wrk(url, script, conns, duration, env=None, timeout="2s"):
    cmd = ["wrk", "-t2", f"-c{conns}", f"-d{duration}", "--timeout", timeout, "-s", script, url]
    out = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "TOKEN": INGEST, **(env or {})},
                         capture_output=True, text=True, check=True).stdout
    return parse_wrk(out)


def forwarded_total():
    return sum(metric(n.port, "watchpost_cluster_forwarded_total") for n in cluster if n.alive())


def quiesce():
    """Waits until no forwarded report is still being answered (wrk gives up on requests still running
    when its time is up, and a timed-out one goes on in the server): the next run must not pay for them."""
    t, last = time.monotonic(), -1.0
    while time.monotonic() - t < 120:
        now = forwarded_total()
        if now == last:
            return
        last = now
        time.sleep(1)


def applied(nodes):
    """Reports the nodes' owners applied (watchpost_observations_total counts on the owner only)."""
    return sum(metric(n.port, "watchpost_observations_total") for n in nodes if n.alive())


def measure(label, url, script, conns, per_request, nodes, env=None, fwd_nodes=()):
    """One wrk run. Reports/s is what the owners applied in the window (a batch still being forwarded
    when wrk stops counts for what it got done); CPU of the nodes, PostgreSQL and HAProxy per report."""
    quiesce()
    c0 = (sum(n.cpu() for n in nodes), pg_cpu(), proc_cpu(HP_PID))
    f0 = sum(metric(n.port, "watchpost_cluster_forwarded_total") for n in fwd_nodes)
    a0, t0 = applied(cluster + [single]), time.monotonic()
    r = wrk(url, script, conns, DURATION, env, timeout="10s" if per_request == 1 else "30s")
    a1, t1 = applied(cluster + [single]), time.monotonic()
    c1 = (sum(n.cpu() for n in nodes), pg_cpu(), proc_cpu(HP_PID))
    f1 = sum(metric(n.port, "watchpost_cluster_forwarded_total") for n in fwd_nodes)
    reports = max(1.0, a1 - a0)
    r.update(reports=reports, rate=reports / (t1 - t0), answered=r["rps"] * per_request,
             us_nodes=(c1[0] - c0[0]) / reports * 1e6, us_pg=(c1[1] - c0[1]) / reports * 1e6,
             us_hp=(c1[2] - c0[2]) / reports * 1e6, forwarded=(f1 - f0) / reports)
    errs = f", non-2xx {r['non2xx']}, socket errors {r['socket_errors']}" if r["non2xx"] or r["socket_errors"] else ""
    fwd = f", forwarded {r['forwarded']:.0%}" if fwd_nodes else ""
    log(f"  {label:<38} {r['rate']:>9,.0f} reports/s applied ({r['answered']:,.0f}/s answered); CPU per report: "
        f"nodes {r['us_nodes']:.1f} µs, PostgreSQL {r['us_pg']:.1f} µs, HAProxy {r['us_hp']:.1f} µs; "
        f"latency {r['latency']}{fwd}{errs}")
    return r


def latency(port, ids, per, n):
    """n requests one after the other straight to a node (single heartbeats, or batches of per): ms each."""
    out = []
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": "Bearer " + INGEST, "Content-Type": "application/json"}
    for i in range(n):
        if per == 1:
            path, body = "/api/v1/heartbeat/" + ids[i % len(ids)], '{"state":"online","latency_ms":12}'
        else:
            path = "/api/v1/heartbeats"
            body = json.dumps([{"target": t, "state": "online", "latency_ms": 12} for t in ids[:per]])
        t = time.monotonic()
        c.request("POST", path, body=body, headers=headers)
        r = c.getresponse()
        r.read()
        if r.status // 100 != 2:
            raise SystemExit(f"{path} answered {r.status}")
        out.append((time.monotonic() - t) * 1000)
    c.close()
    return out


def median(xs):
    return statistics.median(xs) if xs else float("nan")


# ---------------------------------------------------------------- alerts

alerts = []  # (monotonic time, delivery id, event, target id)
alerts_lock = threading.Lock()


class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            a = json.loads(body)
            event, target = a.get("event"), (a.get("target") or {}).get("id")
        except ValueError:
            event, target = "unparsable", None
        with alerts_lock:
            alerts.append((time.monotonic(), self.headers.get("X-Watchpost-Delivery"), event, target))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


def alerts_since(t, event):
    with alerts_lock:
        return [a for a in alerts if a[0] >= t and a[2] == event]


# ---------------------------------------------------------------- quiet reporters

quiet_ids = [f"quiet/{i}" for i in range(QUIET)]
quiet_on = threading.Event()
stopping = threading.Event()


def quiet_reporter(target):
    """A heartbeat a second through HAProxy while quiet_on is set, as a bot would send them."""
    c = None
    while not stopping.is_set():
        if not quiet_on.wait(0.2):
            continue
        t = time.monotonic()
        try:
            c = c or http.client.HTTPConnection("127.0.0.1", HP_CLUSTER, timeout=5)
            c.request("POST", "/api/v1/heartbeat/" + target, body='{"state":"online"}',
                      headers={"Authorization": "Bearer " + INGEST, "Content-Type": "application/json"})
            c.getresponse().read()
        except (OSError, http.client.HTTPException):
            c = None
        time.sleep(max(0.0, 1.0 - (time.monotonic() - t)))


def steady_wrk():
    """Paced flapping heartbeats through HAProxy until stopped with SIGINT (wrk then prints its figures)."""
    conns = 10
    return subprocess.Popen(
        ["wrk", "-t1", f"-c{conns}", "-d3600s", "--timeout", "20s", "-s", "bench/paced.lua", f"http://127.0.0.1:{HP_CLUSTER}/"],
        cwd=ROOT, env={**os.environ, "TOKEN": INGEST, "TARGETS": str(STEADY_TARGETS),
                       "DELAY_MS": str(max(1, round(conns * 1000 / STEADY_RATE)))},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stop_wrk(p):
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=30)
    return parse_wrk(out)


def wait_until(what, cond, timeout, every=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if cond():
                return time.monotonic()
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(every)
    raise SystemExit(f"timed out after {timeout} s waiting for {what}")


# ---------------------------------------------------------------- the run

cluster = [Node(f"node-{i}", NODE_PORTS[i], True, "watchpost") for i in range(3)]
single = Node("single", SINGLE_PORT, False, "watchpost_single")
started = [single] + cluster


def balanced(port, expect_live=3, absent=None):
    v = view(port)
    live = [n for n in v["nodes"] if n["live"]]
    if v["partitions_unowned"] != 0 or len(live) != expect_live or sum(n["partitions"] for n in live) != 256:
        return False
    if absent is not None and any(n["id"] == absent and n["partitions"] for n in v["nodes"]):
        return False
    return all(n["partitions"] > 0 for n in live)


def write_statement(q):
    return re.match(r"\s*(INSERT|UPDATE|DELETE|SELECT pg_notify|COMMIT)", q, re.I) is not None


def statement_table(s0, s1, per, unit, top=12):
    rows = []
    for qid, (calls, nrows, q) in s1.items():
        c0, r0, _ = s0.get(qid, (0, 0, q))
        if calls > c0 and write_statement(q):
            rows.append((calls - c0, nrows - r0, q))
    rows.sort(key=lambda r: -max(r[0], r[1]))
    for calls, nrows, q in rows[:top]:
        log(f"    {calls / per:>10.3f} calls, {nrows / per:>10.3f} rows {unit}   {q[:100]}")
    return rows


R = {}  # results of the parts that ran, for the summary


def part_a():
    hb, batch = "bench/heartbeat.lua", "bench/batch.lua"
    cl, sg = f"http://127.0.0.1:{HP_CLUSTER}", f"http://127.0.0.1:{HP_SINGLE}"
    log(f"== a. ingest through HAProxy: 3 nodes vs 1 node on the same PostgreSQL, wrk -t2, {DURATION} each, "
        f"{ROUNDS} rounds (load average {loadavg()})")
    for url, script, c in ((sg, hb, 64), (cl, hb, 64), (sg, batch, 16), (cl, batch, 16)):
        wrk(url + ("/api/v1/heartbeat/one" if script == hb else "/"), script, c, "5s")  # warm-up, not measured
    res = R["ingest"] = {}
    for r in range(ROUNDS):
        for kind, script, path, c, per in (("heartbeat", hb, "/api/v1/heartbeat/one", 64, 1), ("batch", batch, "/", 16, 1000)):
            one = measure(f"round {r + 1}: {kind}, single node", sg + path, script, c, per, [single])
            three = measure(f"round {r + 1}: {kind}, 3 nodes", cl + path, script, c, per, cluster, fwd_nodes=cluster)
            res.setdefault(kind, []).append((one, three))
            log(f"  round {r + 1}: {kind} ratio 3 nodes / single: {three['rate'] / one['rate']:.2f}")
    R["single_heap"] = heap_after_gc(single)

    log(f"== a. forwarding: straight to node-0, targets it owns vs targets the other nodes own "
        f"(load average {loadavg()})")
    own = owners()
    ids = [f"bench/{i}" for i in range(10000)]
    mine = [i for i in ids if own[partition(i)] == "node-0"][:1000]
    theirs = [i for i in ids if own[partition(i)] not in ("node-0", "")][:1000]
    for name, lst in (("owned", mine), ("foreign", theirs)):
        with open(f"{WORK}/ids-{name}", "w") as f:
            f.write("\n".join(lst) + "\n")
    fw = R["forwarding"] = {}
    for r in range(ROUNDS):
        for kind, c, per in (("heartbeat", 64, 1), ("batch", 16, 1000)):
            for which in ("owned", "foreign"):
                fw.setdefault((kind, which), []).append(measure(
                    f"round {r + 1}: {kind}, {which} targets", f"http://127.0.0.1:{cluster[0].port}/", "bench/cluster.lua",
                    c, per, cluster, env={"IDS_FILE": f"{WORK}/ids-{which}", "BATCH": str(per)}, fwd_nodes=cluster[:1]))

    log(f"== a. one request at a time straight to node-0: owned vs foreign targets (load average {loadavg()})")
    lat = R["latency"] = {}
    for kind, per, n in (("heartbeat", 1, 300), ("batch of 1,000", 1000, 5)):
        for which, lst in (("owned", mine), ("foreign", theirs)):
            quiesce()
            ms = latency(cluster[0].port, lst, per, n)
            lat[(kind, which)] = ms
            log(f"  {kind}, {which} targets: {n} requests, median {median(ms):.1f} ms, max {max(ms):.1f} ms")


def part_b():
    log(f"== b. PostgreSQL: 10,000 targets go offline and come back (20,000 transitions, batches of 1,000 "
        f"through HAProxy) (load average {loadavg()})")
    s0, w0, n0, c0, pg0 = statements(), int(wal_lsn()), transitions(), [n.cpu() for n in cluster], pg_cpu()
    burst_t = time.monotonic()
    for state in ("offline", "online"):
        before = transitions()
        for b in range(10):
            body = json.dumps([{"target": f"bench/{b * 1000 + i}", "state": state} for i in range(1000)])
            status, answer = request(HP_CLUSTER, "POST", "/api/v1/heartbeats", body, INGEST, timeout=60)
            if status // 100 != 2:
                raise SystemExit(f"batch answered {status}: {answer[:200]}")
        wait_until(f"10,000 {state} transitions recorded", lambda: transitions() - before >= 10000, 120, every=0.5)
    burst_s = time.monotonic() - burst_t
    time.sleep(3)  # the checkpoints of those reports (written every second)
    s1, w1, n1, c1, pg1 = statements(), int(wal_lsn()), transitions(), [n.cpu() for n in cluster], pg_cpu()
    n = n1 - n0
    log(f"  {n} transitions recorded in {burst_s:.1f} s from the first batch sent ({n / burst_s:,.0f}/s); "
        f"WAL {(w1 - w0) / n:.0f} bytes per transition; CPU per transition: nodes "
        f"{(sum(c1) - sum(c0)) / n * 1e6:.0f} µs, PostgreSQL {(pg1 - pg0) / n * 1e6:.0f} µs; write statements:")
    rows = statement_table(s0, s1, n, "per transition")
    R["burst"] = {"n": n, "per_s": n / burst_s, "wal": (w1 - w0) / n,
                  "notify": sum(c for c, _, q in rows if "pg_notify" in q) / n}

    log(f"== b. steady load: {STEADY_RATE} heartbeats/s through HAProxy over {STEADY_TARGETS} flapping targets "
        f"for {STEADY} s (load average {loadavg()})")
    p = steady_wrk()
    try:
        time.sleep(3)
        s0, w0, n0, c0, pg0 = statements(), int(wal_lsn()), transitions(), [n.cpu() for n in cluster], pg_cpu()
        f0, h0 = forwarded_total(), hp_counts()
        time.sleep(STEADY)
        s1, w1, n1, c1, pg1 = statements(), int(wal_lsn()), transitions(), [n.cpu() for n in cluster], pg_cpu()
        f1, h1 = forwarded_total(), hp_counts()
    finally:
        stop_wrk(p)
    requests = h1["requests"] - h0["requests"]
    n = n1 - n0
    log(f"  {requests / STEADY:.0f} requests/s, {n / STEADY:.1f} transitions/s, forwarded "
        f"{(f1 - f0) / max(1, requests):.0%}; node CPU {(sum(c1) - sum(c0)) / STEADY:.2f} cores "
        f"({[round((b - a) / STEADY, 2) for a, b in zip(c0, c1)]}), PostgreSQL {(pg1 - pg0) / STEADY:.2f} cores; "
        f"WAL {(w1 - w0) / STEADY / 1024:.0f} KiB/s")
    log("  write statements per second:")
    rows = statement_table(s0, s1, STEADY, "per second", top=16)
    written = sum(r for c, r, q in rows if not q.upper().startswith(("COMMIT", "SELECT")))
    log(f"  rows written {written / STEADY:,.0f}/s: PostgreSQL CPU {(pg1 - pg0) / max(1, written) * 1e6:.0f} µs and WAL "
        f"{(w1 - w0) / max(1, written):.0f} bytes per row written")
    R["steady"] = {"5xx": h1["5xx to clients"] - h0["5xx to clients"], "per_s": n / STEADY,
                   "notify": sum(c for c, _, q in rows if "pg_notify" in q) / max(1, n),
                   "us": (sum(c1) - sum(c0)) / max(1, requests) * 1e6,
                   "rows_per_s": written / STEADY, "pg_us_row": (pg1 - pg0) / max(1, written) * 1e6,
                   "wal_row": (w1 - w0) / max(1, written)}


ownership_log = []  # (epoch ms, partition, owner, epoch): every change seen in cluster_partition


def record_ownership():
    """Polls the partition table four times a second: evidence for anything that goes wrong in a handover."""
    last = {}
    while not stopping.is_set():
        try:
            rows = sql("SELECT partition_no, coalesce(owner, '-'), epoch FROM cluster_partition")
        except subprocess.CalledProcessError:
            rows = []
        now = int(time.time() * 1000)
        for p, o, e in rows:
            if last.get(p) != (o, e):
                last[p] = (o, e)
                ownership_log.append((now, int(p), o, int(e)))
        time.sleep(0.25)


def part_c():
    log(f"== c. failover: {KILLS} × kill -9 under {STEADY_RATE} heartbeats/s through HAProxy over {STEADY_TARGETS} "
        f"flapping targets (lease 15s); {QUIET} quiet targets (lease {QUIET_LEASE}) stop reporting at each kill "
        f"(load average {loadavg()})")
    threading.Thread(target=record_ownership, daemon=True).start()
    for q in quiet_ids:
        threading.Thread(target=quiet_reporter, args=(q,), daemon=True).start()
    quiet_on.set()
    p = steady_wrk()
    flips0 = transitions("target_id LIKE 'soak/%' AND to_state = 'unhealthy'")
    wait_until("every quiet target online",
               lambda: int(sql("SELECT count(*) FROM target_state WHERE target_id LIKE 'quiet/%' AND state = 'online'")[0][0]) == QUIET, 60)
    cycles = R["cycles"] = []
    for k in range(KILLS):
        victim = cluster[k % 3]
        survivor = cluster[(k + 1) % 3]
        time.sleep(3)
        own = owners()
        victims_quiet = [q for q in quiet_ids if own[partition(q)] == victim.name]
        h0, w0 = hp_counts(), time.time()
        quiet_on.clear()
        t_kill = time.monotonic()
        victim.kill9()
        t_owned = wait_until("every partition owned by a live node", lambda: balanced(survivor.port, 2, victim.name), 60)
        t_alerted = wait_until("a down alert for every quiet target",
                               lambda: len({a[3] for a in alerts_since(t_kill, "down")}) >= QUIET, 60)
        first = {}
        for a in alerts_since(t_kill, "down"):
            first.setdefault(a[3], a[0])
        time.sleep(2)  # a duplicate would arrive now
        t_start = time.monotonic()
        victim.start()
        victim.wait_ready()
        t_ready = time.monotonic()
        t_back = wait_until("the restarted node back with its share", lambda: balanced(survivor.port, 3), 60)
        quiet_on.set()
        t_recover = time.monotonic()
        t_recovered = wait_until("a recovery alert for every quiet target",
                                 lambda: len({a[3] for a in alerts_since(t_recover, "recovered")}) >= QUIET, 60)
        time.sleep(1)
        h1 = hp_counts()
        wall = lambda t: w0 + (t - t_kill)  # monotonic -> epoch seconds
        c = {
            "victim": victim.name, "victims_quiet": len(victims_quiet),
            "owned_s": t_owned - t_kill,
            "first_alert_s": min(first.values()) - t_kill, "last_alert_s": t_alerted - t_kill,
            "victim_alert_s": [first[q] - t_kill for q in victims_quiet if q in first],
            "other_alert_s": [first[q] - t_kill for q in quiet_ids if q in first and q not in victims_quiet],
            "ready_s": t_ready - t_start, "back_s": t_back - t_start, "recovered_s": t_recovered - t_recover,
            "t_kill": t_kill, "hp": {key: h1[key] - h0[key] for key in h1},
            "events": [("kill", w0), ("owned again", wall(t_owned)), ("restart", wall(t_start)),
                       ("ready", wall(t_ready)), ("share back", wall(t_back)), ("recovered", wall(t_recovered))],
        }
        cycles.append(c)
        log(f"  kill {k + 1:>2} ({victim.name}, owned {len(victims_quiet)} quiet): partitions owned again "
            f"{c['owned_s']:.1f} s; alerts first {c['first_alert_s']:.1f} s, victim's targets "
            f"{median(c['victim_alert_s']):.1f} s (median), all {c['last_alert_s']:.1f} s; restart ready "
            f"{c['ready_s']:.1f} s, share back {c['back_s']:.1f} s; recoveries {c['recovered_s']:.1f} s; "
            f"HAProxy 5xx {c['hp']['5xx to clients']} (from nodes {c['hp']['5xx from nodes']}), response errors "
            f"{c['hp']['response errors']}; load average {loadavg()}")
    time.sleep(5)  # late duplicates (the quiet targets go on reporting: going quiet now would alert)
    R["load"] = stop_wrk(p)
    R["flips_before"] = flips0

    # ------------------------------------------------------------ alerts lost or duplicated
    with alerts_lock:
        got = list(alerts)
    ends = [c["t_kill"] for c in cycles[1:]] + [float("inf")]
    per = {}
    unexpected = R["unexpected"] = []
    for t, delivery, event, target in got:
        k = next((i for i, c in enumerate(cycles) if c["t_kill"] <= t < ends[i]), None)
        if target not in quiet_ids or event not in ("down", "recovered") or k is None:
            unexpected.append((round(t - T0, 1), delivery, event, target))
        else:
            per.setdefault((k, event, target), []).append(delivery)
    R["lost"] = {e: sum(1 for k in range(len(cycles)) for q in quiet_ids if not per.get((k, e, q))) for e in ("down", "recovered")}
    R["dup"] = {e: sum(len(v) - 1 for (k, ev, q), v in per.items() if ev == e and len(v) > 1) for e in ("down", "recovered")}
    ids_seen = {}
    for _, delivery, _, _ in got:
        ids_seen[delivery] = ids_seen.get(delivery, 0) + 1
    R["same_id"] = sum(v - 1 for v in ids_seen.values() if v > 1)

    # ------------------------------------------------------------ the recorded chains
    chains = {r[0]: int(r[1]) for r in sql("SELECT target_id, count(*) FROM transition WHERE target_id LIKE 'quiet/%' GROUP BY target_id")}
    expected = 1 + 2 * len(cycles)
    R["extra_rows"] = sum(max(0, chains.get(q, 0) - expected) for q in quiet_ids)
    R["missing_rows"] = sum(max(0, expected - chains.get(q, 0)) for q in quiet_ids)
    R["broken"] = sql("SELECT target_id, id, from_state, to_state, at, prev, reason FROM (SELECT target_id, id, from_state, "
                      "to_state, at, reason, lag(to_state) OVER (PARTITION BY target_id ORDER BY at, id) AS prev FROM transition "
                      "WHERE target_id LIKE 'quiet/%' OR target_id LIKE 'soak/%') x WHERE prev IS NOT NULL AND prev <> from_state "
                      "ORDER BY at")
    R["flips"] = sql("SELECT target_id, at, reason FROM transition WHERE target_id LIKE 'soak/%' AND to_state = 'unhealthy' "
                     "ORDER BY at")


def phase_of(at_ms):
    """Which step of which kill cycle an epoch-ms time falls in."""
    label = "before the first kill"
    for k, c in enumerate(R.get("cycles", [])):
        for name, t in c["events"]:
            if at_ms >= t * 1000:
                label = f"kill {k + 1}: after '{name}'"
    return label


def owners_of(p, at_ms, before_ms=20000):
    """The partition's owners (epoch) from before_ms before at_ms to 2 s after, as the poller saw them."""
    seen = [(t, o, e) for t, pp, o, e in ownership_log if pp == p]
    start = max([x for x in seen if x[0] <= at_ms - before_ms], default=None, key=lambda x: x[0])
    window = ([start] if start else []) + [x for x in seen if at_ms - before_ms < x[0] <= at_ms + 2000]
    return ", ".join(f"{o} e{e} from {time.strftime('%H:%M:%S', time.gmtime(t / 1000))}.{t % 1000:03d}" for t, o, e in window)


def evidence():
    """Anything that went wrong, with the partition owners around it."""
    flips = R.get("flips", [])
    if flips:
        phases = {}
        for target, at, reason in flips:
            phases[phase_of(int(at))] = phases.get(phase_of(int(at)), 0) + 1
        log(f"  steady targets flipped to unhealthy while reporting, by when: "
            + "; ".join(f"{k}: {v}" for k, v in sorted(phases.items(), key=lambda kv: kv[0])))
        for target, at, reason in flips[:6]:
            at = int(at)
            log(f"    {target} (partition {partition(target)}) at "
                f"{time.strftime('%H:%M:%S', time.gmtime(at / 1000))}.{at % 1000:03d} ({reason}); owners: "
                f"{owners_of(partition(target), at)}")
    for target, rid, f, t, at, prev, reason in R.get("broken", [])[:10]:
        at = int(at)
        log(f"  chain break: {target} row {rid} {f} -> {t} at {time.strftime('%H:%M:%S', time.gmtime(at / 1000))}."
            f"{at % 1000:03d} ({reason}) after a row ending in {prev}; {phase_of(at)}; owners of partition "
            f"{partition(target)}: {owners_of(partition(target), at)}")


HTTPLOG = re.compile(r'\[(\d\d/\w{3}/\d{4}:\d\d:\d\d:\d\d)\.(\d{3})\] (\S+) (\S+) (\S+) (\d{3}) .*"(\w+) (\S+)')


def haproxy_answers():
    """The front end's answers that were not 2xx (HAProxy's request log), by status and node, and when."""
    import calendar
    bad = []
    total = 0
    with open(f"{WORK}/haproxy.log", errors="replace") as f:
        for line in f:
            m = HTTPLOG.search(line)
            if not m or m.group(3) != "watchpost":
                continue
            total += 1
            if not m.group(6).startswith("2"):
                at = calendar.timegm(time.strptime(m.group(1), "%d/%b/%Y:%H:%M:%S")) * 1000 + int(m.group(2))
                bad.append((at, m.group(6), m.group(4), m.group(5), m.group(8)))
    if bad:
        by = {}
        for at, status, server, timers, path in bad:
            key = (status, server, phase_of(at))
            by[key] = by.get(key, 0) + 1
        log(f"  HAProxy: {len(bad)} of {total} answers through the front end not 2xx; by status, node, when: "
            + "; ".join(f"{st} {sv} {ph}: {n}" for (st, sv, ph), n in sorted(by.items())))
        for at, status, server, timers, path in bad[:5]:
            log(f"    {time.strftime('%H:%M:%S', time.gmtime(at / 1000))}.{at % 1000:03d} {status} {server} "
                f"timers {timers} {path}")
    return len(bad), total


def pg_log_summary():
    with open(f"{WORK}/sock/pg.log", errors="replace") as f:
        pg_log = f.read()
    whose = connections_by_node()
    for m in re.finditer(r"\[\d+\] (\S+) .*ERROR:  deadlock detected\n.*DETAIL:  Process (\d+) waits for \S+ on "
                         r"transaction \d+; blocked by process (\d+)", pg_log):
        db, p1, p2 = m.groups()
        log(f"  deadlock in database {db}: pid {p1} ({whose.get(p1, 'node gone')}) and pid {p2} ({whose.get(p2, 'node gone')})")
    return len(re.findall(r" (ERROR|FATAL):  ", pg_log)), pg_log.count("deadlock detected")


def rng(xs, fmt="{:.1f}"):
    xs = sorted(xs)
    return f"{fmt.format(xs[0])} / {fmt.format(median(xs))} / {fmt.format(xs[-1])}" if xs else "-"


def summary():
    pg_errors, deadlocks = pg_log_summary()
    not_2xx, answers = haproxy_answers()
    heaps = [heap_after_gc(n) for n in cluster]
    evidence()
    log()
    log("== summary (min / median / max where three figures)")
    rows = []
    plural = {"heartbeat": "heartbeats", "batch": "batches of 1,000"}
    for kind, res in R.get("ingest", {}).items():
        ratios = [t["rate"] / o["rate"] for o, t in res]
        rows.append((f"{plural[kind]} through HAProxy, single node (reports/s applied)", rng([o["rate"] for o, _ in res], "{:,.0f}")))
        rows.append((f"{plural[kind]} through HAProxy, 3 nodes (reports/s applied)", rng([t["rate"] for _, t in res], "{:,.0f}")))
        rows.append((f"{plural[kind]}: ratio 3 nodes / single, per round", ", ".join(f"{x:.2f}" for x in ratios)))
        rows.append((f"{plural[kind]}: node CPU per report, single / 3 nodes (µs)",
                     f"{median([o['us_nodes'] for o, _ in res]):.1f} / {median([t['us_nodes'] for _, t in res]):.1f}"))
        rows.append((f"{plural[kind]}: share forwarded through HAProxy", f"{median([t['forwarded'] for _, t in res]):.0%}"))
    fw = R.get("forwarding", {})
    for kind in ("heartbeat", "batch"):
        if (kind, "owned") in fw:
            o, f = fw[(kind, "owned")], fw[(kind, "foreign")]
            rows.append((f"{plural[kind]} to node-0, owned / foreign targets (reports/s applied)",
                         f"{median([x['rate'] for x in o]):,.0f} / {median([x['rate'] for x in f]):,.0f}"))
            rows.append((f"{plural[kind]} to node-0, all nodes' CPU per report, owned / foreign (µs)",
                         f"{median([x['us_nodes'] for x in o]):.1f} / {median([x['us_nodes'] for x in f]):.1f} "
                         f"(forwarding: +{median([x['us_nodes'] for x in f]) - median([x['us_nodes'] for x in o]):.1f} µs; "
                         f"forwarded {median([x['forwarded'] for x in f]):.0%})"))
    for kind in ("heartbeat", "batch of 1,000"):
        if (kind, "owned") in R.get("latency", {}):
            lat = R["latency"]
            rows.append((f"one {kind} at a time to node-0, owned / foreign targets (median ms)",
                         f"{median(lat[(kind, 'owned')]):.1f} / {median(lat[(kind, 'foreign')]):.1f}"))
    if "single_heap" in R:
        rows.append(("heap after full GC: single node / cluster nodes (MB)",
                     f"{R['single_heap']:.0f} / {', '.join(f'{h:.0f}' for h in heaps)}"))
    if "burst" in R:
        b = R["burst"]
        rows.append(("burst of 20,000 transitions: recorded per second / WAL bytes / pg_notify calls per transition",
                     f"{b['per_s']:,.0f} / {b['wal']:.0f} / {b['notify']:.3f}"))
    if "steady" in R:
        s = R["steady"]
        rows.append(("steady load: transitions/s / pg_notify calls per transition", f"{s['per_s']:.1f} / {s['notify']:.3f}"))
        rows.append(("steady load: rows written/s / PostgreSQL CPU (µs) and WAL (bytes) per row",
                     f"{s['rows_per_s']:,.0f} / {s['pg_us_row']:.0f} / {s['wal_row']:.0f}"))
        rows.append(("steady load: node CPU per request, 3 nodes (µs)", f"{s['us']:.1f}"))
        rows.append(("steady load: 5xx through HAProxy (no kill)", str(s["5xx"])))
    cycles = R.get("cycles", [])
    ok = True
    if cycles:
        rows.append(("kills", str(len(cycles))))
        rows.append(("kill -> every partition owned again (s)", rng([c["owned_s"] for c in cycles])))
        rows.append(("kill -> first alert (s)", rng([c["first_alert_s"] for c in cycles])))
        rows.append(("kill -> alert, targets the killed node owned (s)", rng([x for c in cycles for x in c["victim_alert_s"]])))
        rows.append(("kill -> alert, targets the survivors owned (s)", rng([x for c in cycles for x in c["other_alert_s"]])))
        rows.append(("kill -> every quiet target alerted (s)", rng([c["last_alert_s"] for c in cycles])))
        rows.append(("restart -> ready / -> its share of partitions back (s)",
                     f"{rng([c['ready_s'] for c in cycles])}  /  {rng([c['back_s'] for c in cycles])}"))
        rows.append(("reports again -> every recovery alert (s)", rng([c["recovered_s"] for c in cycles])))
        lost, dup = R["lost"], R["dup"]
        rows.append(("down alerts expected / lost / duplicated", f"{len(cycles) * QUIET} / {lost['down']} / {dup['down']}"))
        rows.append(("recovery alerts expected / lost / duplicated",
                     f"{len(cycles) * QUIET} / {lost['recovered']} / {dup['recovered']}"))
        rows.append(("deliveries with a repeated X-Watchpost-Delivery", str(R["same_id"])))
        rows.append(("alerts not expected (other targets, events, outside a cycle)", str(len(R["unexpected"]))))
        rows.append(("quiet targets' transitions: extra / missing; chain breaks (quiet and steady targets)",
                     f"{R['extra_rows']} / {R['missing_rows']}; {len(R['broken'])}"))
        rows.append(("steady targets that flipped to unhealthy while reporting (before the kills / during)",
                     f"{R['flips_before']} / {len(R['flips']) - R['flips_before']}"))
        w = R["load"]
        rows.append(("load during the kills: requests / non-2xx / socket errors",
                     f"{w['requests']} / {w['non2xx']} / {w['socket_errors']}"))
        rows.append(("HAProxy during the kills: 5xx to clients / from nodes / response errors / retries",
                     f"{sum(c['hp']['5xx to clients'] for c in cycles)} / {sum(c['hp']['5xx from nodes'] for c in cycles)} / "
                     f"{sum(c['hp']['response errors'] for c in cycles)} / {sum(c['hp']['retries'] for c in cycles)}"))
        ok = (sum(lost.values()) + sum(dup.values()) + R["same_id"] + len(R["flips"]) + R["extra_rows"]
              + R["missing_rows"] + len(R["broken"])) == 0
    rows.append(("HAProxy, the whole run: answers / not 2xx", f"{answers} / {not_2xx}"))
    rows.append(("PostgreSQL log: ERROR/FATAL lines / of them deadlocks", f"{pg_errors} / {deadlocks}"))
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        log(f"  {name:<{width}}  {value}")
    if R.get("unexpected"):
        log(f"  unexpected alerts (first 20): {R['unexpected'][:20]}")
    for n in cluster:
        with open(f"{WORK}/{n.name}.log", errors="replace") as f:
            bad = [l for l in f if re.search(r"\b(WARN|ERROR)\b", l)]
        log(f"  {n.name}: {len(bad)} warning/error log lines" + (f"; last: {bad[-1].strip()[:200]}" if bad else ""))
    log(f"RESULT: {'ok' if ok else 'FAILED (alerts lost or duplicated, false flips or broken chains: see above)'} "
        f"({time.monotonic() - T0:.0f} s; load average {loadavg()})")
    return 0 if ok else 1


def main():
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", HOOK_PORT), Hook)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    log(f"== starting a single node and three cluster nodes on one PostgreSQL (parts {PARTS}; load average {loadavg()})")
    for n in started:
        n.start()
    for n in started:
        n.wait_ready()
    wait_until("three live nodes sharing 256 partitions", lambda: balanced(cluster[0].port), 60)
    log(f"   all ready, 256 partitions split {[n['partitions'] for n in view(cluster[0].port)['nodes']]}")
    if "a" in PARTS:
        part_a()
    single.stop()  # its CPU is not needed any more
    if "b" in PARTS:
        part_b()
    if "c" in PARTS:
        part_c()
    return summary()


if __name__ == "__main__":
    status = 1
    try:
        status = main()
    finally:
        stopping.set()
        for n in started:
            try:
                n.stop() if n.alive() else None
            except Exception:
                n.proc.kill()
    sys.exit(status)
