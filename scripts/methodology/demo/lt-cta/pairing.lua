-- The demo's LT-CTA: few mentors to spare, so one mentee each this round and
-- some less advanced teachers wait (the impact estimate's comparison group).
capacity.teacher.mentor_max = 1
