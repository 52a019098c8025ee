-- wrk script for bench/serve/run.sh: each request takes the next query of a TSV file (query TAB
-- expected path; '#' lines skipped), in turn, and asks it of one of two front ends.
--   wrk -s queries.lua URL -- api|html|omega QUERIES.tsv [DB]
--   api    GET /api/search?q=Q            (Chouette, JSON)
--   html   GET /search?q=Q                (Chouette, HTML results page)
--   omega  GET /cgi-bin/omega?P=Q&DB=DB   (Omega CGI, its shipped 'query' template)
-- done() prints one line: "wrkstats requests=N seconds=S rps=R p50_ms=.. p90_ms=.. p99_ms=..
-- errors=E non2xx=N".
local queries = {}
local kind, db = "api", "default"
local counter = 0
local nthreads = 0

function setup(thread)
    nthreads = nthreads + 1
    thread:set("id", nthreads)
end

local function urlencode(s)
    return (s:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function init(args)
    kind = args[1] or "api"
    local path = args[2]
    db = args[3] or "default"
    for line in io.lines(path) do
        if line ~= "" and line:sub(1, 1) ~= "#" then
            local q = line:match("^([^\t]+)")
            if q then queries[#queries + 1] = urlencode(q) end
        end
    end
    -- threads start at different places in the list
    counter = ((id or 1) - 1) * 17 % #queries
end

function request()
    counter = counter % #queries + 1
    local q = queries[counter]
    local path
    if kind == "omega" then
        path = "/cgi-bin/omega?P=" .. q .. "&DB=" .. db
    elseif kind == "html" then
        path = "/search?q=" .. q
    else
        path = "/api/search?q=" .. q
    end
    return wrk.format("GET", path)
end

function done(summary, latency, requests)
    local s = summary.duration / 1e6
    local e = summary.errors
    io.write(string.format(
        "wrkstats requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f errors=%d non2xx=%d\n",
        summary.requests, s, summary.requests / s, latency:percentile(50) / 1000,
        latency:percentile(90) / 1000, latency:percentile(99) / 1000,
        e.connect + e.read + e.write + e.timeout, e.status))
end
