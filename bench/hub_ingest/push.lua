-- wrk script: each request is POST /v1/sync/push with BATCH new orders of the
-- demo menu (2 lines, 1 option each), ids unique per run (RUN = a number the
-- driver changes every round) and per wrk thread. Counts pushes whose answer
-- is not 200 or holds a result other than "accepted".
-- env: TOKEN, LOCATION, BATCH, RUN
local token = os.getenv("TOKEN")
local location = os.getenv("LOCATION")
local batch = tonumber(os.getenv("BATCH") or "10")
local run = tonumber(os.getenv("RUN") or "1")
local threads = {}
local thread_no = 0

function setup(thread)
  thread_no = thread_no + 1
  thread:set("tid", thread_no)
  table.insert(threads, thread)
end

local counter = 0
local bad = 0
local headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}

local function order_json(n)
  -- a valid UUIDv7 layout: version nibble 7, variant 8
  local id = string.format("%08x-%04x-7%03x-8000-%012x", 0x0190b3c4, run % 0x10000, tid % 0x1000, n)
  return '{"id":"' .. id .. '","number":"B-' .. n .. '","location_id":"' .. location ..
    '","status":"placed","subtotal_minor":2380,"tax_minor":190,"total_minor":2570,' ..
    '"currency":"USD","tax_rate_bp":800,"tax_inclusive":false,"note":null,' ..
    '"placed_at":"2026-11-23T12:00:00.000Z","lines":[' ..
    '{"line_no":1,"item_id":"0190b3c4-0000-7000-8000-00000000e001","name":"Classic burger",' ..
    '"unit_price_minor":940,"quantity":2,"line_total_minor":1880,"options":[' ..
    '{"option_id":"0190b3c4-0000-7000-8000-0000000a0003","modifier_id":"0190b3c4-0000-7000-8000-00000000f002",' ..
    '"name":"Cheese","price_delta_minor":50}]},' ..
    '{"line_no":2,"item_id":"0190b3c4-0000-7000-8000-00000000e003","name":"Fries",' ..
    '"unit_price_minor":500,"quantity":1,"line_total_minor":500,"options":[' ..
    '{"option_id":"0190b3c4-0000-7000-8000-0000000a0002","modifier_id":"0190b3c4-0000-7000-8000-00000000f001",' ..
    '"name":"Large","price_delta_minor":150}]}]}'
end

function request()
  local parts = {}
  for i = 1, batch do
    counter = counter + 1
    parts[i] = order_json(counter)
  end
  return wrk.format("POST", "/v1/sync/push", headers, '{"orders":[' .. table.concat(parts, ",") .. ']}')
end

function response(status, hdrs, body)
  if status ~= 200 or string.find(body, '"duplicate"', 1, true) or string.find(body, '"rejected"', 1, true) then
    bad = bad + 1
    if bad == 1 then io.stderr:write("push answered " .. status .. ": " .. string.sub(body, 1, 300) .. "\n") end
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, t in ipairs(threads) do total_bad = total_bad + (t:get("bad") or 0) end
  io.write(string.format("bad_pushes %d\n", total_bad))
end
