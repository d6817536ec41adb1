-- GET /schemas/ids/{id} for random ids among the seeded ones: wrk ... -- MAX_ID [QUERY [AUTHORIZATION]]
-- QUERY is appended to each path (such as "?subject=orders-value"); AUTHORIZATION, when given,
-- is sent as the Authorization header.
local max_id, query, headers = 1, "", {}
function init(args)
  max_id = tonumber(args[1]) or 1
  query = args[2] or ""
  if args[3] and args[3] ~= "" then headers["Authorization"] = args[3] end
end
function request()
  return wrk.format("GET", "/schemas/ids/" .. math.random(1, max_id) .. query, headers)
end
