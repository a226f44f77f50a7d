-- The admin context's own functions (loaded once per admin Lua state).
--
-- ihub.transaction(fn, ...) runs fn(...) in a transaction of its own (a
-- savepoint inside another one): when fn raises, every write it made is
-- rolled back and the error goes on unchanged; otherwise its writes stay
-- and its results are returned. An evaluation that ends with a transaction
-- still open (interrupted, out of time) has it rolled back by the host.

local tx = ihub.__tx
ihub.__tx = nil
local pack, unpack, pcall, error, type = table.pack, table.unpack, pcall, error, type

function ihub.transaction(fn, ...)
  if type(fn) ~= "function" then
    error("ihub.transaction: expected a function, got " .. type(fn), 2)
  end
  local depth = tx.begin().depth
  local r = pack(pcall(fn, ...))
  if not r[1] then
    tx.rollback { depth = depth }
    error(r[2], 0)
  end
  tx.commit { depth = depth }
  return unpack(r, 2, r.n)
end

-- For the REPL's Tab: the string keys of the table at a dotted path from the
-- globals ("" for the globals themselves), sorted; a table's key ends in ".".
function __ihub_repl_keys(path)
  local t = _G
  for part in string.gmatch(path, "[^.:]+") do
    if type(t) ~= "table" then return {} end
    t = rawget(t, part)
  end
  if type(t) ~= "table" then return {} end
  local keys = {}
  for k, v in next, t do
    if type(k) == "string" and k:sub(1, 6) ~= "__ihub" then
      keys[#keys + 1] = type(v) == "table" and k .. "." or k
    end
  end
  table.sort(keys)
  return keys
end

-- The REPL shows what an expression returns: functions, coroutines and
-- userdata (which JSON cannot hold) by their names, "function: 0x...",
-- also inside tables (a copy; the table itself is left alone).
local null = ihub.null

local function shown(v, seen)
  local t = type(v)
  if t == "function" or t == "thread" or (t == "userdata" and v ~= null) then return tostring(v) end
  if t ~= "table" or seen[v] then return v end
  seen[v] = true
  local copy, changed = {}, false
  for k, x in next, v do
    local s = shown(x, seen)
    copy[k] = s
    changed = changed or s ~= x
  end
  seen[v] = nil
  if not changed then return v end
  return getmetatable(v) == getmetatable(ihub.array {}) and ihub.array(copy) or copy
end

function __ihub_repl_show(...)
  local r = table.pack(...)
  for i = 1, r.n do r[i] = shown(r[i], {}) end
  return table.unpack(r, 1, r.n)
end
