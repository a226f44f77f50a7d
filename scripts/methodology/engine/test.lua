-- The test-file contract of methodology packages (ihub test, methodology.test).
-- Swift (Methodology/MethodologyTest.swift) gives each test a fresh in-memory
-- engine, runs this file in its admin context, then the test file's top level
-- (__ihub_test_load: test(...) registers), then one test in a coroutine
-- (__ihub_test_start). methodology(hub) yields to Swift, which loads the
-- package for the hub and resumes the test (__ihub_test_resume).

local tests = {}
local fixtures, kinds, file = {}, {}, "test"
local running = nil
local FAILURE, REQUEST = {}, {}  -- keys marking our own error values and yields

-- A value as a failure shows it: strings quoted, tables by their contents
-- (keys sorted, nesting and length bounded), the rest by tostring.
local function show(v, depth)
  depth = depth or 0
  local t = type(v)
  if t == "string" then  -- on one line: %q writes a newline as a backslash and a newline
    return (string.format("%q", #v > 200 and v:sub(1, 200) .. "..." or v):gsub("\\\n", "\\n"))
  end
  if v == ihub.null then return "ihub.null" end
  if t ~= "table" then return tostring(v) end
  if depth > 3 then return "{...}" end
  local keys = {}
  for k in pairs(v) do keys[#keys + 1] = k end
  table.sort(keys, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == "number" or ta == "string" then return a < b end
    return tostring(a) < tostring(b)
  end)
  local parts, n = {}, #v
  for i, k in ipairs(keys) do
    if i > 30 then parts[#parts + 1] = "..." break end
    local value = show(v[k], depth + 1)
    if math.type(k) == "integer" and k >= 1 and k <= n then
      parts[#parts + 1] = value
    elseif type(k) == "string" and k:match("^[%a_][%w_]*$") then
      parts[#parts + 1] = k .. " = " .. value
    else
      parts[#parts + 1] = "[" .. show(k, depth + 1) .. "] = " .. value
    end
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

local function equal(a, b, depth)
  if a == b then return true end
  if type(a) ~= "table" or type(b) ~= "table" or depth > 50 then return false end
  for k, v in pairs(a) do
    if not equal(v, b[k], depth + 1) then return false end
  end
  for k in pairs(b) do
    if a[k] == nil then return false end
  end
  return true
end

-- "file:line: " of the innermost frame of the test file that called us:
-- error() at a level names that level's position, without the debug library.
local function where()
  for level = 3, 40 do
    local _, position = pcall(error, "", level)
    if type(position) == "string" and position:sub(1, #file + 1) == file .. ":" then
      return tonumber(position:match(":(%d+): $"))
    end
  end
  return nil
end

local function fail(message, detail, expected, actual)
  local text = message and (tostring(message) .. ": " .. detail) or detail
  error({[FAILURE] = true, line = where(), message = text, expected = expected, actual = actual}, 0)
end

function assert_eq(actual, expected, message)
  if not equal(actual, expected, 0) then
    fail(message, "values differ", show(expected), show(actual))
  end
end

function assert_near(actual, expected, tolerance, message)
  if type(actual) ~= "number" or type(expected) ~= "number" or type(tolerance) ~= "number" then
    fail(message, "assert_near takes numbers (actual, expected, tolerance)", show(expected), show(actual))
  end
  if not (math.abs(actual - expected) <= tolerance) then
    fail(message, "not within " .. tostring(tolerance), show(expected), show(actual))
  end
end

function assert_true(value, message)
  if not value then fail(message, "expected a true value", "a true value", show(value)) end
end

function assert_match(text, pattern, message)
  if type(text) ~= "string" then fail(message, "assert_match takes a string", "a string matching " .. show(pattern), show(text)) end
  if not string.find(text, pattern) then
    fail(message, "no match for the pattern " .. show(pattern), "a string matching " .. show(pattern), show(text))
  end
end

function assert_error(fn, pattern, message)
  if type(fn) ~= "function" then fail(message, "assert_error takes a function", "a function", show(fn)) end
  local ok, err = pcall(fn)
  if ok then fail(message, "the function raised no error", "an error" .. (pattern and " matching " .. show(pattern) or ""), "no error") end
  if type(err) == "table" and err[FAILURE] then error(err, 0) end  -- a failed assertion inside fn stays one
  if pattern ~= nil then
    local text = type(err) == "table" and tostring(err.message) or tostring(err)
    if not string.find(text, pattern) then
      fail(message, "the error does not match " .. show(pattern), "an error matching " .. show(pattern), show(text))
    end
  end
end

function test(name, fn)
  if type(name) ~= "string" or type(fn) ~= "function" then
    error("test(name, function() ... end): got " .. type(name) .. " and " .. type(fn), 2)
  end
  tests[#tests + 1] = {name = name, fn = fn}
end

-- Fills the test's database: the demo region, or the package's fixtures/<name>.lua
-- (a chunk; what it returns is returned) or fixtures/<name>/<kind>.csv files.
function fixture(name, options)
  if type(name) ~= "string" then error("fixture(name): the name is a " .. type(name), 2) end
  if name == "demo" then
    local params = {seed = 1}
    for k, v in pairs(options or {}) do params[k] = v end
    return ihub.demo.populate(params)
  end
  local chunk_name = "fixtures/" .. name .. ".lua"
  local source = fixtures[chunk_name]
  if source then
    local env = __ihub_fresh_env()
    env.options = options
    local chunk, err = load(source, "=" .. chunk_name, "t", env)
    if not chunk then error(err, 0) end
    return chunk(options)
  end
  local imported, prefix = {}, "fixtures/" .. name .. "/"
  for _, kind in ipairs(kinds) do
    local text = fixtures[prefix .. kind .. ".csv"]
    if text then imported[kind] = ihub.import.csv{kind = kind, text = text} end
  end
  for path in pairs(fixtures) do
    if path:sub(1, #prefix) == prefix and imported[path:sub(#prefix + 1):gsub("%.csv$", "")] == nil then
      error(path .. ": not a fixture file (a CSV file named after its kind: " .. table.concat(kinds, ", ") .. ")", 2)
    end
  end
  if next(imported) == nil then
    error("fixture " .. show(name) .. ": the package has no fixtures/" .. name .. ".lua nor fixtures/" .. name .. "/", 2)
  end
  return imported
end

-- Loads the package under test for the hub: Swift does it between two steps.
function methodology(hub)
  if type(hub) ~= "string" then error("methodology(hub): the hub's code is a " .. type(hub), 2) end
  local reply = coroutine.yield({[REQUEST] = "load", hub = hub})
  if reply.error then error(reply.error, 2) end
  return {version = reply.version}
end

-- Runs the test file's top level; returns the names of its tests.
function __ihub_test_load(source, name, fixture_files, kind_names)
  file, fixtures, kinds, tests = name, fixture_files, kind_names, {}
  local chunk, err = load(source, "=" .. name, "t")
  if not chunk then error(err, 0) end
  chunk()
  local names = {}
  for i, t in ipairs(tests) do names[i] = t.name end
  return ihub.array(names)
end

-- An error of the test, with the line of the test file it happened at
-- (found while its frames are still there: this is xpcall's handler).
local function annotate(err)
  if type(err) == "table" and err[FAILURE] then return err end
  local text = type(err) == "string" and err or show(err)
  if type(err) == "table" and type(err.message) == "string" then text = err.message end  -- an ihub.* call's error
  local line = text:sub(1, #file + 1) == file .. ":" and tonumber(text:match("^[^:]*:(%d+):")) or where()
  return {[FAILURE] = true, line = line, message = text}
end

-- A failure's text as a report holds it: valid UTF-8 (else its bytes past
-- ASCII become "?") and at most 4 KB, cut at a character.
local function reported(text)
  if type(text) ~= "string" then return text end
  if not utf8.len(text) then text = text:gsub("[\128-\255]", "?") end
  if #text <= 4096 then return text end
  local cut = 4096
  while text:byte(cut + 1) and text:byte(cut + 1) >= 0x80 and text:byte(cut + 1) < 0xC0 do cut = cut - 1 end
  return text:sub(1, cut) .. "..."
end

-- What a step of the running test came to: a request, or its end.
local function outcome(resumed, a, b)
  if not resumed then running = nil return {ok = false, message = reported(tostring(a))} end
  if coroutine.status(running) == "suspended" then
    if type(a) == "table" and a[REQUEST] then return {request = a[REQUEST], hub = a.hub} end
    running = nil
    return {ok = false, message = "the test yielded outside a coroutine of its own"}
  end
  running = nil
  if a then return {ok = true} end
  return {ok = false, line = b.line, message = reported(b.message), expected = reported(b.expected), actual = reported(b.actual)}
end

function __ihub_test_start(index)
  local fn = tests[index].fn
  running = coroutine.create(function() return xpcall(fn, annotate) end)
  return outcome(coroutine.resume(running))
end

function __ihub_test_resume(reply)
  return outcome(coroutine.resume(running, reply))
end
