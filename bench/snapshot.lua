-- GET /api/v1/snapshot, optionally revalidating with If-None-Match (ETAG) and accepting gzip (GZIP=1),
-- as a browser does.
local etag = os.getenv("ETAG")
wrk.method = "GET"
if etag and etag ~= "" then wrk.headers["If-None-Match"] = etag end
if os.getenv("GZIP") == "1" then wrk.headers["Accept-Encoding"] = "gzip" end
