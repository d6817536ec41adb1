-- GET /subjects/{s}/versions/latest for random seeded subjects: wrk ... -- SUBJECTS [AUTHORIZATION]
local subjects, headers = 1, {}
function init(args)
  subjects = tonumber(args[1]) or 1
  if args[2] and args[2] ~= "" then headers["Authorization"] = args[2] end
end
function request()
  return wrk.format("GET", "/subjects/bench-" .. math.random(0, subjects - 1) .. "-value/versions/latest", headers)
end
