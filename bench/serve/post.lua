-- wrk script: POST the body in $BODY (raw float32) with Content-Type application/octet-stream.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/octet-stream"
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
