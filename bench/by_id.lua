-- GET /schemas/ids/{id} for random ids among the seeded ones: wrk ... -- MAX_ID
local max_id = 1
function init(args) max_id = tonumber(args[1]) or 1 end
function request()
  return wrk.format("GET", "/schemas/ids/" .. math.random(1, max_id))
end
