-- wrk script: POST /api/v1/tenants/$TENANT/orders, the same two-line order
-- (a burger with an extra, fries with a size) each time; counts answers that
-- are not 201.
local tenant = os.getenv("TENANT")
local body = '{"lines":[{"item_id":"0190b3c4-0000-7000-8000-00000000e001","quantity":2,' ..
  '"option_ids":["0190b3c4-0000-7000-8000-0000000a0003"]},' ..
  '{"item_id":"0190b3c4-0000-7000-8000-00000000e003","quantity":1,' ..
  '"option_ids":["0190b3c4-0000-7000-8000-0000000a0002"]}]}'
wrk.method = "POST"
wrk.path = "/api/v1/tenants/" .. tenant .. "/orders"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
local threads = {}
function setup(thread) table.insert(threads, thread) end
bad = 0
function response(status, headers, b)
  if status ~= 201 then
    bad = bad + 1
    if bad == 1 then io.stderr:write("order answered " .. status .. ": " .. string.sub(b, 1, 300) .. "\n") end
  end
end
function done(summary, latency, requests)
  local n = 0
  for _, t in ipairs(threads) do n = n + (t:get("bad") or 0) end
  io.write(string.format("bad_orders %d\n", n))
end
