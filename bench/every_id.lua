-- GET /schemas/ids/{id} for every id from 1 to MAX_ID in turn, round and round: wrk ... -- MAX_ID
local max_id = 1
local next_id = 0
function init(args) max_id = tonumber(args[1]) or 1 end
function request()
  next_id = next_id % max_id + 1
  return wrk.format("GET", "/schemas/ids/" .. next_id)
end
