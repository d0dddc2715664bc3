-- wrk script: post.lua with a pause before each request, so that wrk offers
-- a bounded load instead of as much as the server takes: with C connections
-- the rate is about C / (PACE_MS + latency). run.sh uses it to read the
-- latency of POST at about 2,000 requests/s. PACE_MS (default 12) from the
-- environment.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
local pace = tonumber(os.getenv("PACE_MS") or "12")
request = function()
  counter = counter + 1
  local body = string.format(
    '{"author":"Paced tester %d","text":"Paced comment %d: the factory story raises good questions about wages and inspections."}',
    counter % 50, counter)
  return wrk.format(nil, wrk.path, nil, body)
end
delay = function()
  return pace
end
