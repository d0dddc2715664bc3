-- wrk script: POST a new comment to the benchmark thread. Each request has a
-- different text so that nothing can be served from a cache.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format(
    '{"author":"Load tester %d","text":"Comment number %d: the factory story raises good questions about wages and inspections."}',
    counter % 50, counter)
  return wrk.format(nil, wrk.path, nil, body)
end
