#pragma once
// The redis backend's reservation, done atomically on the server with the server's clock (TIME), so the
// hosts sharing a budget need not agree on time. Mirrors next_slot() in reservation.cpp.
// KEYS: grants (sorted set, score = member = slot in us), penalty (string, us).
// ARGV: mode (reserve|peek|penalize), minimum gap between grants us, longest window us, pause us, client time us ("" = use
// TIME; set only by tests driving a fake clock), then limit/window-us pairs.
// Returns {delay us, penalty left us, grants per window...}. Numbers go through string.format('%d'):
// Lua's default number formatting (%.14g) would round microsecond timestamps.
namespace ccai::detail {

inline constexpr const char* kPacerScript = R"LUA(
local function s(n) return string.format('%d', n) end
local now = tonumber(ARGV[5])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local gap, longest = tonumber(ARGV[2]), tonumber(ARGV[3])
local pen = tonumber(redis.call('GET', KEYS[2]) or '0')
if ARGV[1] == 'penalize' then
  local till = now + tonumber(ARGV[4])
  if till > pen then
    redis.call('SET', KEYS[2], s(till), 'PX', s(math.ceil(tonumber(ARGV[4]) / 1000) + 1000))
    pen = till
  end
  return {0, pen - now}
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', s(now - longest))
local slot = math.max(now, pen)
local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
if #last > 0 then slot = math.max(slot, tonumber(last[2]) + gap) end
local n = redis.call('ZCARD', KEYS[1])
local out = {0, math.max(0, pen - now)}
for i = 6, #ARGV, 2 do
  local limit, w = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  if n >= limit then
    local g = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
    slot = math.max(slot, tonumber(g[2]) + w)
  end
  out[#out + 1] = redis.call('ZCOUNT', KEYS[1], '(' .. s(now - w), '+inf')
end
if ARGV[1] == 'reserve' then
  redis.call('ZADD', KEYS[1], s(slot), s(slot))
  redis.call('PEXPIRE', KEYS[1], s(math.ceil((slot - now + longest) / 1000) + 1000))
end
out[1] = slot - now
return out
)LUA";

}  // namespace ccai::detail
