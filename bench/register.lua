-- POST /subjects/{s}/versions of a new schema under a new subject on every request; the names
-- carry the run's start time, so that a second run registers new schemas too, and the optional
-- argument (`-- NAME`), so that several wrk processes at once register distinct ones.
local counter = 0
local run = os.time()
function init(args)
  if args[1] then run = run .. args[1] end
end
thread_id = 0
local next_thread = 0
function setup(thread)
  thread:set("thread_id", next_thread)
  next_thread = next_thread + 1
end
function request()
  counter = counter + 1
  local name = "New" .. run .. "x" .. thread_id .. "x" .. counter
  local schema = '{\\"type\\":\\"record\\",\\"name\\":\\"' .. name .. '\\",\\"fields\\":[{\\"name\\":\\"id\\",\\"type\\":\\"string\\"}]}'
  local body = '{"schema":"' .. schema .. '"}'
  return wrk.format("POST", "/subjects/reg-" .. run .. "-" .. thread_id .. "-" .. counter .. "-value/versions",
    { ["Content-Type"] = "application/vnd.schemaregistry.v1+json" }, body)
end
