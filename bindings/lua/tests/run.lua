-- The test runner of the Lua module (busted is packaged in Debian for Lua 5.1 only).
--
--   lua5.4 bindings/lua/tests/run.lua [FILE...]      default: every test_*.lua beside it
--
-- The module comes from IHUB_LUA_MODULE_DIR (default .build-release/lua). With
-- IHUB_TEST_POSTGRES set (a PostgreSQL URI), T.fresh() opens a new schema of that
-- server, so the whole suite runs on PostgreSQL; databases in files stay files.
--
-- A test file is a chunk that receives the kit and registers its tests:
--   local T = ...
--   T.test("a name", function() T.eq(1 + 1, 2) end)
-- Each test runs protected, with a full garbage collection after it; the runner
-- prints every failure with its traceback and exits with status 1 if there was one.

local here = (arg and arg[0] or ""):match("^(.*)/[^/]*$") or "."
local root = here .. "/../../.."
local module_dir = os.getenv("IHUB_LUA_MODULE_DIR") or (root .. "/.build-release/lua")
package.cpath = module_dir .. "/?.so;" .. package.cpath

local ihub = require "ihub"

local T = {ihub = ihub, postgres = os.getenv("IHUB_TEST_POSTGRES"), root = root}
local tests, cleanups = {}, {}

function T.test(name, fn)
  tests[#tests + 1] = {file = T.file, name = name, fn = fn}
end

-- A readable rendering of a value, for messages.
local function show(v, depth)
  depth = depth or 0
  if type(v) == "string" then return string.format("%q", v) end
  if v == ihub.null then return "ihub.null" end
  if type(v) ~= "table" or getmetatable(v) == "ihub.error" or depth > 3 then return tostring(v) end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
  local parts = {}
  for i, k in ipairs(keys) do
    if i > 12 then parts[#parts + 1] = "..."; break end
    parts[#parts + 1] = "[" .. show(k) .. "]=" .. show(v[k], depth + 1)
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end
T.show = show

local function fail(msg, level)
  error(msg, (level or 1) + 1)
end

-- Deep equality: nil when equal, else the path where they differ. Numbers
-- compare by value and by subtype (an integer is not a float).
local function differs(a, b, path)
  if type(a) ~= type(b) then return path end
  if type(a) == "number" and math.type(a) ~= math.type(b) then return path .. " (integer/float)" end
  if type(a) ~= "table" then return a ~= b and path or nil end
  for k, v in pairs(a) do
    local d = differs(v, b[k], path .. "[" .. show(k) .. "]")
    if d then return d end
  end
  for k in pairs(b) do
    if a[k] == nil then return path .. "[" .. show(k) .. "]" end
  end
  return nil
end

function T.eq(got, want, what)
  local d = differs(got, want, "")
  if d then
    fail(string.format("%s: got %s, want %s%s", what or "value", show(got), show(want),
                       d ~= "" and " (differ at " .. d .. ")" or ""), 2)
  end
end

function T.ok(v, what)
  if not v then fail((what or "condition") .. ": not true", 2) end
  return v
end

-- s contains each of the plain texts given.
function T.has(s, ...)
  for _, part in ipairs{...} do
    if type(s) ~= "string" or not s:find(part, 1, true) then
      fail(string.format("%s does not contain %q", show(s), part), 2)
    end
  end
end

-- Runs fn(...) and returns the error it must raise: an ihub error value with
-- this status (when one is given) whose message holds `text`.
function T.raises(status, text, fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then fail(string.format("no error (expected %s %s)", status, text or ""), 2) end
  if status ~= nil then
    if getmetatable(err) ~= "ihub.error" then
      fail(string.format("not an ihub error value: %s (expected %s)", show(err), status), 2)
    end
    if err.status ~= status then
      fail(string.format("status %s, want %s: %s", tostring(err.status), status, tostring(err)), 2)
    end
  end
  if text ~= nil then
    local msg = type(err) == "table" and err.message or tostring(err)
    if not tostring(msg):find(text, 1, true) then
      fail(string.format("message %s does not contain %q", show(msg), text), 2)
    end
  end
  return err
end

-- A new, empty database: in memory, or a fresh schema of the test server.
local serial = 0
function T.fresh(options)
  if not T.postgres then return ihub.open(":memory:", options) end
  serial = serial + 1
  local o = {}
  for k, v in pairs(options or {}) do o[k] = v end
  o.schema = o.schema or string.format("lua_%x_%d", math.random(0, 0x7fffffff), serial)
  return ihub.open(T.postgres, o)
end

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end
T.quote = shell_quote

-- A scratch folder, removed when the run ends.
function T.tmpdir()
  local p = io.popen("mktemp -d /tmp/ihub-lua-test.XXXXXX")
  local dir = p:read("l")
  p:close()
  assert(dir and dir ~= "", "mktemp failed")
  cleanups[#cleanups + 1] = function() os.execute("rm -rf " .. shell_quote(dir)) end
  return dir
end

function T.exists(path)
  local f = io.open(path, "rb")
  if f then f:close() end
  return f ~= nil
end

function T.write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

-- Runs a Lua program in a new lua5.4 with the module on its path: the exit
-- status and what it wrote (stdout and stderr together).
function T.run_lua(source)
  local dir = T.tmpdir()
  T.write(dir .. "/prog.lua", source)
  local cmd = string.format("LUA_CPATH=%s lua5.4 %s 2>&1", shell_quote(module_dir .. "/?.so;;"),
                            shell_quote(dir .. "/prog.lua"))
  local p = io.popen(cmd)
  local out = p:read("a")
  local _, _, code = p:close()
  return code, out
end

-- ---- run -------------------------------------------------------------

local files = {...}
if #files == 0 then
  local p = io.popen("ls " .. shell_quote(here) .. "/test_*.lua")
  for line in p:lines() do files[#files + 1] = line end
  p:close()
end

for _, file in ipairs(files) do
  T.file = file:match("[^/]*$")
  local chunk, err = loadfile(file)
  if not chunk then
    tests[#tests + 1] = {file = T.file, name = "(load)", fn = function() error(err, 0) end}
  else
    chunk(T)
  end
end

local failed = {}
local engine = T.postgres and "PostgreSQL" or "SQLite"
io.write(string.format("Lua module tests (ihub %s, %s, %s): ", ihub.version(), _VERSION, engine))
for _, t in ipairs(tests) do
  local ok, err = xpcall(t.fn, function(e) return debug.traceback(tostring(e), 2) end)
  collectgarbage("collect")
  if ok then
    io.write(".")
  else
    io.write("F")
    failed[#failed + 1] = string.format("%s: %s\n  %s", t.file, t.name, tostring(err):gsub("\n", "\n  "))
  end
  io.flush()
end
io.write("\n")
for _, f in ipairs(failed) do io.write("FAIL ", f, "\n") end
io.write(string.format("%d passed, %d failed (%d files)\n", #tests - #failed, #failed, #files))
for _, c in ipairs(cleanups) do c() end
os.exit(#failed == 0 and #tests > 0, true)
