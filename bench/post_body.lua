-- POSTs one body file to one path: wrk ... -- PATH BODY_FILE
local path, body
function init(args)
  path = args[1]
  local file = assert(io.open(args[2], "r"))
  body = file:read("*a")
  file:close()
end
function request()
  return wrk.format("POST", path, { ["Content-Type"] = "application/vnd.schemaregistry.v1+json" }, body)
end
