-- POST /subjects/{s}/versions of a new schema under a new subject on every request.
local counter = 0
thread_id = 0
local next_thread = 0
function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end
function request()
  counter = counter + 1
  local name = "New" .. thread_id .. "x" .. counter
  local schema = '{\\"type\\":\\"record\\",\\"name\\":\\"' .. name .. '\\",\\"fields\\":[{\\"name\\":\\"id\\",\\"type\\":\\"string\\"}]}'
  local body = '{"schema":"' .. schema .. '"}'
  return wrk.format("POST", "/subjects/reg-" .. thread_id .. "-" .. counter .. "-value/versions",
    { ["Content-Type"] = "application/vnd.schemaregistry.v1+json" }, body)
end
