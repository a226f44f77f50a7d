-- Engine glue of script.set (Script/HubScriptMethods.swift), defined once per
-- methodology state: compiles a script without running it, so that a syntax
-- error shows when the script is stored, not when it is needed.

function __ihub_compiles(source, name)
  local f, err = load(source, "=" .. name, "t")
  if f then return true end
  return false, err
end
