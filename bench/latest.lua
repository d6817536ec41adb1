-- GET /subjects/{s}/versions/latest for random seeded subjects: wrk ... -- SUBJECTS
local subjects = 1
function init(args) subjects = tonumber(args[1]) or 1 end
function request()
  return wrk.format("GET", "/subjects/bench-" .. math.random(0, subjects - 1) .. "-value/versions/latest")
end
