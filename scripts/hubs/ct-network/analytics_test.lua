-- The network's indicator: how far its few mentors stretch.
local hub, round = "LT-CTA", "LT-CTA-R2"

test("teachers mentored per mentor, over the confirmed teacher pairs", function()
  fixture("demo")
  methodology(hub)
  for _, r in ipairs({"LT-CTA-R1", round}) do
    ihub.classification.run{hub = hub, round = r, subject = "school"}
    ihub.classification.run{hub = hub, round = r, subject = "teacher"}
  end
  local run = ihub.pairing.propose{hub = hub, round = round, level = "teacher"}
  ihub.pairing.confirm{run = run.run, start = "2025-09-15"}
  local mentors, n = {}, 0
  for _, p in ipairs(run.pairs) do if not mentors[p.mentor] then mentors[p.mentor] = true; n = n + 1 end end
  local r = ihub.indicator.compute{hub = hub, names = {hub .. ".mentees_per_mentor"}}
  local row = r.indicators[1].rows[1]
  assert_near(row.value, #run.pairs / n, 1e-9)
  assert_eq({row.mentors, row.mentees}, {n, #run.pairs})
  assert_true(row.value >= 5, "few mentors for many teachers: " .. row.value)
end)
