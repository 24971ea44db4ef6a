-- One heartbeat per request: POST /api/v1/heartbeat/<target> with a small JSON body.
local token = os.getenv("TOKEN")
wrk.method = "POST"
wrk.body = '{"state":"online","latency_ms":12}'
wrk.headers["Content-Type"] = "application/json"
if token then wrk.headers["Authorization"] = "Bearer " .. token end
