#pragma once
// The redis backend's reservation, done atomically on the server with the server's clock (TIME), so the
// hosts sharing a budget need not agree on time. Mirrors reservation.cpp and queue.cpp: next_slot,
// try_reserve and reserve_slot (reserve), confirm_slot (confirm) and the move to the completion time
// (complete).
// KEYS: grants (sorted set, member = the grant's token, score = its time in us), penalty (string, us),
// tat (string, us: the theoretical arrival time that spaces grants), sent (string, us: when the latest
// request went out), bulk (sorted set: the bulk calls' grants, the same tokens and times), line (sorted
// set, member = a waiting call's ticket "i|b:ID:BOOT-ID:PID:START", score = its arrival us), line expiry
// (the same members, score = when the ticket expires us).
// ARGV: mode (reserve|confirm|complete|peek|penalize|drop), interval between grants us, longest window us,
// amount us (penalize: the pause; complete: the answered request's credit, answered_credit()), client time
// us ("" = use TIME; set only by tests driving a fake clock), the grant's token, burst, how far ahead stored
// times may lie us (plausible_lead()), the wait budget us (reserve: from now; confirm: from the check;
// "" = none), the call's class (interactive|bulk), its ticket ("" = no place in line; drop: the ticket to
// drop), its arrival us ("" = now), the bulk quota (bulk_quota()), the pacing window us, the ticket grace us
// (ticket_grace()), the most tickets the line holds, then what a grant given up puts back (confirm and
// cancel; "" = unknown): tat before and after its reservation us, sent before and after it us; then
// limit/window-us pairs. Mode cancel drops the grant `token` (a wait given up, or a slot granted and not
// used) and puts tat and sent back where they are still the grant's.
// Returns {delay us, penalty left us, flags, now us, calls ahead in line, the ticket at the front of those
// ahead ("" = none), tat before and after this call's reservation us (reserve; else 0), sent before and
// after this call us (reserve, and confirm when it lets the request go; else 0), grants per window...}; for
// confirm the delay is 0 when the request may go now. Flags:
// 1 the state was implausible and was replaced by full windows, 2 the slot lies past the budget and nothing
// is reserved (confirm: the reservation is released), 4 the penalty set the slot, 8 the call waits in line
// (reserve: nothing reserved; ask again after the delay). Numbers go through string.format('%d'): Lua's
// default number formatting (%.14g) would round microsecond timestamps.
namespace ccai::detail {

inline constexpr const char* kPacerScript = R"LUA(
local function s(n) return string.format('%d', n) end
local mode, token = ARGV[1], ARGV[6]
local now = tonumber(ARGV[5])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000000 + tonumber(t[2])
end
local interval, longest, burst = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[7])
local lead, budget = tonumber(ARGV[8]), tonumber(ARGV[9])
local bulk, member = ARGV[10] == 'bulk', ARGV[11]
local arrival = tonumber(ARGV[12]) or now
local quota, pacing, grace, max_line = tonumber(ARGV[13]), tonumber(ARGV[14]), tonumber(ARGV[15]), tonumber(ARGV[16])
local tat_before, tat_after = tonumber(ARGV[17]), tonumber(ARGV[18])
local sent_before, sent_after = tonumber(ARGV[19]), tonumber(ARGV[20])
local first_pair = 21
local flags = 0
local pen = tonumber(redis.call('GET', KEYS[2]) or '0')
-- When the penalty and the windows allow a grant, read before pruning: the grant that held a waiting bulk
-- call back leaves the window the moment it may go, and its reservation must still use up the burst.
local held_till = pen
if mode == 'reserve' then
  local n0 = redis.call('ZCARD', KEYS[1])
  for i = first_pair, #ARGV, 2 do
    local limit, w = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
    if n0 >= limit then
      local g = redis.call('ZRANGE', KEYS[1], n0 - limit, n0 - limit, 'WITHSCORES')
      held_till = math.max(held_till, tonumber(g[2]) + w)
    end
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', s(now - longest))
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', s(now - longest))
-- Tickets past their expiry block nobody: their owners gave up, stopped or died.
local function unline(m)
  redis.call('ZREM', KEYS[6], m)
  redis.call('ZREM', KEYS[7], m)
end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[7], '-inf', '(' .. s(now))) do unline(m) end
local function newest_of(key)
  local n = redis.call('ZRANGE', key, -1, -1, 'WITHSCORES')
  if #n > 0 then return tonumber(n[2]) end
  return 0
end
local latest = newest_of(KEYS[1])
local sent = tonumber(redis.call('GET', KEYS[4]) or '0')
local tat = tonumber(redis.call('GET', KEYS[3]) or '-1')
-- Times no wait or penalty can reach: not written by a working pacer. Assume every window full now.
if math.max(pen, latest, sent, tat, newest_of(KEYS[5]), newest_of(KEYS[6]), newest_of(KEYS[7])) > now + lead then
  redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7])
  local smallest = tonumber(ARGV[first_pair])
  for i = first_pair, #ARGV, 2 do smallest = math.min(smallest, tonumber(ARGV[i])) end
  for i = 1, smallest do redis.call('ZADD', KEYS[1], s(now), 'unknown-' .. i) end
  redis.call('PEXPIRE', KEYS[1], s(math.ceil(longest / 1000) + 1000))
  pen, latest, sent, tat = 0, now, 0, 0
  flags = 1
end
if mode == 'penalize' then
  local till = now + tonumber(ARGV[4])
  if till > pen then
    redis.call('SET', KEYS[2], s(till), 'PX', s(math.ceil(tonumber(ARGV[4]) / 1000) + 1000))
    pen = till
  end
  return {0, pen - now, flags, now, 0, '', 0, 0, 0, 0}
end
if mode == 'drop' then
  unline(member)
  return {0, math.max(0, pen - now), flags, now, 0, '', 0, 0, 0, 0}
end
if tat < 0 then
  -- Grants without tat (written by an older version): no burst allowance left.
  tat = 0
  if latest > 0 then tat = math.max(now, latest) + burst * interval end
end
-- tat and sent live as long as the grants that could still matter.
local function keep(upto)
  local ms = s(math.ceil((math.max(upto, tat, now) - now + longest) / 1000) + 1000)
  redis.call('PEXPIRE', KEYS[1], ms)
  redis.call('PEXPIRE', KEYS[5], ms)
  redis.call('SET', KEYS[3], s(tat), 'PX', ms)
  if sent > 0 then redis.call('SET', KEYS[4], s(sent), 'PX', ms) else redis.call('DEL', KEYS[4]) end
end
-- A reservation given up: when tat is still where it left it, nobody reserved after it (each reservation
-- moves tat forward), and the schedule goes back (StatePacer::release says why only then).
local function give_back_spacing()
  if tat_after and tat_before and tat == tat_after then tat = tat_before end
  if sent_after and sent_before and sent_after ~= sent_before and sent == sent_after then sent = sent_before end
end
local mine = tonumber(redis.call('ZSCORE', KEYS[1], token) or '0')
local mine_bulk = redis.call('ZSCORE', KEYS[5], token)
if mode == 'cancel' then
  if redis.call('ZREM', KEYS[1], token) == 1 then
    redis.call('ZREM', KEYS[5], token)
    give_back_spacing()
    keep(now)
  end
  return {0, math.max(0, pen - now), flags, now, 0, '', 0, 0, 0, 0}
end
if mode == 'complete' then
  local done = math.max(now, mine)
  redis.call('ZADD', KEYS[1], s(done - tonumber(ARGV[4])), token)
  if mine_bulk then redis.call('ZADD', KEYS[5], s(done - tonumber(ARGV[4])), token) end
  keep(done)
  return {0, math.max(0, pen - now), flags, now, 0, '', 0, 0, 0, 0}
end
local out = {0, math.max(0, pen - now), flags, now, 0, '', 0, 0, 0, 0}
if mode == 'confirm' then
  local at = math.max(now, mine)
  redis.call('ZREM', KEYS[1], token)
  redis.call('ZREM', KEYS[5], token)
  local slot = math.max(at, pen)
  if sent > 0 then slot = math.max(slot, sent + interval) end
  for i = first_pair, #ARGV, 2 do
    local limit, w = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
    local c = redis.call('ZCOUNT', KEYS[1], '(' .. s(at - w), s(at))
    if c >= limit then
      local g = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. s(at - w), s(at), 'WITHSCORES', 'LIMIT', c - limit, 1)
      slot = math.max(slot, tonumber(g[2]) + w)
    end
    out[#out + 1] = c
  end
  if pen >= slot then out[3] = out[3] + 4 end
  out[1] = slot - at
  if budget and slot > at and slot - at > budget then
    out[3] = out[3] + 2
    if mine > 0 then give_back_spacing() end
    keep(at)
    return out
  end
  redis.call('ZADD', KEYS[1], s(slot), token)
  if mine_bulk then redis.call('ZADD', KEYS[5], s(slot), token) end
  if slot == at then
    out[9] = sent
    sent = math.max(sent, at)
    out[10] = sent
  end
  keep(slot)
  return out
end
local paced = math.max(now, tat - (burst - 1) * interval)
local slot = math.max(paced, pen)
local n = redis.call('ZCARD', KEYS[1])
for i = first_pair, #ARGV, 2 do
  local limit, w = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  if n >= limit then
    local g = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
    slot = math.max(slot, tonumber(g[2]) + w)
  end
  out[#out + 1] = redis.call('ZCOUNT', KEYS[1], '(' .. s(now - w), '+inf')
end
if pen >= slot then out[3] = out[3] + 4 end
-- The line (queue.cpp): calls ahead of this one, an interactive ticket ahead of any bulk one, else the
-- older (ties: the smaller ticket, as redis sorts them); the front of those ahead goes back to the client,
-- which drops it when its owner, on the client's host, is gone.
local ahead, front = 0, ''
if mode == 'reserve' and member ~= '' then
  local mine_i = member:sub(1, 1) == 'i'
  local line = redis.call('ZRANGE', KEYS[6], 0, -1, 'WITHSCORES')
  for i = 1, #line, 2 do
    local m, at = line[i], tonumber(line[i + 1])
    if m ~= member then
      local is_i = m:sub(1, 1) == 'i'
      local before
      if is_i ~= mine_i then before = is_i else before = at < arrival or (at == arrival and m < member) end
      if before then
        ahead = ahead + 1
        if front == '' or (is_i and front:sub(1, 1) ~= 'i') then front = m end
      end
    end
  end
end
out[5], out[6] = ahead, front
-- Below their share (bulk_quota in the pacing window), bulk calls reserve ahead like interactive ones.
-- Counted in the window that ends at the slot the call would take (try_reserve says why).
local owed = bulk and redis.call('ZCOUNT', KEYS[5], '(' .. s(slot - pacing), '+inf') < quota
local wake = slot + ahead * interval
if mode == 'reserve' and budget and wake - now > budget then
  out[3] = out[3] + 2
  if member ~= '' then unline(member) end
  out[1] = wake - now
  return out
elseif mode == 'reserve' and ahead == 0 and (not bulk or owed or slot <= now) then
  redis.call('ZADD', KEYS[1], s(slot), token)
  if bulk then redis.call('ZADD', KEYS[5], s(slot), token) end
  local held = slot > paced or (held_till > now - interval and held_till > tat - (burst - 1) * interval)
  out[7] = tat
  if held then tat = slot + burst * interval else tat = math.max(tat, slot) + interval end
  out[8] = tat
  out[9] = sent
  if slot <= now then sent = math.max(sent, slot) end
  out[10] = sent
  keep(slot)
  if member ~= '' then unline(member) end
elseif mode == 'reserve' then
  out[3] = out[3] + 8
  -- The first bulk call in line asks again as soon as bulk falls below its share (bulk_owed_at).
  if bulk and ahead == 0 and quota > 0 then
    local c = redis.call('ZCOUNT', KEYS[5], '(' .. s(slot - pacing), '+inf')
    if c >= quota then
      local g = redis.call('ZRANGEBYSCORE', KEYS[5], '(' .. s(slot - pacing), '+inf', 'WITHSCORES', 'LIMIT', c - quota, 1)
      local owed_at = tonumber(g[2]) + pacing
      if owed_at > slot and now + (owed_at - slot) < wake then wake = now + (owed_at - slot) end
    end
  end
  if member ~= '' and (redis.call('ZSCORE', KEYS[6], member) or redis.call('ZCARD', KEYS[6]) < max_line) then
    local expires = wake + grace
    if budget then expires = math.min(expires, now + budget) end
    -- Never as far ahead as the plausibility check looks (a long line at a slow limit could reach it):
    -- the next call would take the whole state for corrupt.
    expires = math.min(expires, now + lead - longest)
    redis.call('ZADD', KEYS[6], s(arrival), member)
    redis.call('ZADD', KEYS[7], s(expires), member)
    local ms = s(math.ceil((newest_of(KEYS[7]) - now) / 1000) + 1000)
    redis.call('PEXPIRE', KEYS[6], ms)
    redis.call('PEXPIRE', KEYS[7], ms)
  end
  out[1] = wake - now
  return out
end
out[1] = slot - now
return out
)LUA";

}  // namespace ccai::detail
