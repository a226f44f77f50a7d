-- The module table: versions, status names, ihub.null, ihub.array, loading.
local T = ...
local ihub = T.ihub

T.test("versions", function()
  T.eq(ihub.abi_version(), 1)
  T.eq(ihub.ABI_VERSION, ihub.abi_version(), "compiled against the loaded library's interface")
  T.ok(ihub.version():match("^%d+%.%d+%.%d+"), "version looks like x.y.z")
  local db <close> = T.fresh()
  T.eq(db.api.version{}.version, ihub.version())
end)

T.test("status names", function()
  T.eq(ihub.status_name(0), "IHUB_OK")
  T.eq(ihub.status_name(3), "IHUB_NOTFOUND")
  T.eq(ihub.status_name(13), "IHUB_VERSION")
  T.eq(ihub.status_name(99), "IHUB_UNKNOWN")
  assert(not pcall(ihub.status_name, "three"))
end)

T.test("ihub.null is one light userdata", function()
  T.eq(type(ihub.null), "userdata")
  T.eq(ihub.null, ihub.null)
end)

T.test("ihub.array marks a table and refuses one with another metatable", function()
  local t = {}
  T.ok(ihub.array(t) == t, "returns its argument")
  T.eq(getmetatable(t), "ihub.array")
  T.ok(ihub.array(t) == t, "marking twice is fine")
  T.has(select(2, pcall(ihub.array, setmetatable({}, {}))), "already has a metatable")
  T.has(select(2, pcall(ihub.array, 5)), "table expected")
end)

T.test("require gives one table; loading the module again keeps decoded arrays arrays", function()
  T.ok(require "ihub" == ihub)
  local db <close> = T.fresh()
  db.hub.add{code = "H", name = "Hub", country = "EE"}
  local langs = db.hub.get{code = "H"}.languages   -- [] from the library
  package.loaded.ihub = nil
  local again = require "ihub"
  package.loaded.ihub = ihub
  T.ok(again ~= ihub, "a new module table")
  T.eq(getmetatable(langs), "ihub.array")
  db.hub.update{code = "H", languages = langs}  -- still [] (an object would be refused)
  local db2 <close> = again.open()
  db2.hub.add{code = "H", name = "Hub", country = "EE", languages = again.array{}}
end)

T.test("the module exports only luaopen_ihub and needs no liblua of its own", function()
  local so = (os.getenv("IHUB_LUA_MODULE_DIR") or (T.root .. "/.build-release/lua")) .. "/ihub.so"
  local p = io.popen("nm -D --defined-only " .. T.quote(so) .. " | awk '{print $3}'")
  local names = p:read("a")
  p:close()
  T.eq(names, "luaopen_ihub\n")
  p = io.popen("readelf -d " .. T.quote(so))
  local dyn = p:read("a")
  p:close()
  T.ok(not dyn:find("liblua", 1, true), "not linked with liblua (the interpreter provides Lua)")
  T.has(dyn, "[libihub.so]")
end)

T.test("the suite runs on the engine it says", function()
  local db <close> = T.fresh()
  T.eq(db.api.version{}.engine, T.postgres and "postgresql" or "sqlite")
end)

-- Debian's lua5.4 has Lua linked in and exports its API; libihub.so is linked
-- with liblua5.4.so for its own sandboxed states. Every Lua function either
-- of them calls must then bind to the interpreter's copy, or two copies of
-- the Lua core would share one state's data.
T.test("every Lua API function the module and libihub.so call is the interpreter's", function()
  local maps = assert(io.open("/proc/self/maps")):read("a")
  local lib = maps:match("(/%S*libihub%.so)\n")
  T.ok(lib, "libihub.so is mapped")
  local exe = assert(io.popen("readlink /proc/" .. assert(io.open("/proc/self/stat")):read("n") .. "/exe")):read("l")
  local function symbols(cmd)
    local set, p = {}, io.popen(cmd)
    for name in p:lines() do set[(name:gsub("@.*", ""))] = true end
    p:close()
    return set
  end
  local have = symbols("nm -D --defined-only " .. T.quote(exe) .. " | awk '{print $3}'")
  local so = (os.getenv("IHUB_LUA_MODULE_DIR") or (T.root .. "/.build-release/lua")) .. "/ihub.so"
  local missing, n = {}, 0
  for _, file in ipairs{lib, so} do
    for name in pairs(symbols("nm -D --undefined-only " .. T.quote(file) .. " | awk '{print $2}'")) do
      if name:match("^lua") then
        n = n + 1
        if not have[name] then missing[#missing + 1] = name end
      end
    end
  end
  T.ok(n > 50, "Lua functions found")
  T.eq(missing, {}, exe .. " lacks")
end)
