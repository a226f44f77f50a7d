"""indicators_check.py — the equality check of the indicator benchmark: the
rows of ihub's indicator.compute, of the SQL limit (indicators.sql) and of
the pandas peer (indicators_pandas.py) in one form, compared field by field.

A row is (indicator, subject, part) → [value, detail...]: subject is a person's
or school's code, a mentorship's id, '' for the hub; the details compared are
DETAILS' keys, in order. Numbers agree within 0.005 (ihub may round hours,
months and shares to two decimals); '' is null. A row that ihub withholds
(suppressed below k) is compared by its key only.
"""

# The indicators the bench recomputes, with the detail keys compared.
DETAILS = {
    "participation.activities": ["hours"],
    "participation.person_hours": ["activities", "minutes"],
    "participation.school_hours": ["activities", "minutes"],
    "participation.active_mentorships": ["open", "share"],
    "participation.sessions_per_month": ["sessions", "months"],
    "reach.schools": ["target", "schools"],
    "reach.teachers": ["target", "teachers"],
    "engagement.stakeholders": ["stakeholders"],
    "risk.inactive_mentorships": ["last_activity"],
    "risk.dropouts": [],
    "process.steps_reached": [],
    "process.cycles_completed": [],
    "process.time_in_step": ["instances", "max_days"],
    "process.stalled": ["open"],
    "risk.stalled_instances": [],
    "risk.overdue_plans": ["goals_overdue", "tasks_overdue"],
    "maturity.change": ["from_mean", "to_mean", "n_from", "n_to", "hedges_g", "ci"],  # ci: low and high
    "maturity.moved_up": ["n"],
}
WITHHELD = "(withheld)"


def parse(text):
    """Tab-separated lines (indicators.sql, indicators_pandas.py) → {key: fields}."""
    out = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        f = line.split("\t")
        out[(f[0], f[1], f[2])] = f[3:]
    return out


def from_ihub(result):
    """indicator.compute's result → ({key: fields}, {indicator: error message})."""
    out, errors = {}, {}
    for ind in result["indicators"]:
        name = ind["name"]
        if name not in DETAILS:
            continue
        if "error" in ind:
            errors[name] = f"{ind['error']['status']}: {ind['error']['message']}"
            continue
        for row in ind["rows"]:
            # A hub-level row has no subject, whatever its detail holds.
            hub_level = ind.get("level") in ("hub", "consortium")
            subject = "" if hub_level or row["subject"] is None else str(row["subject"])
            key = (name, subject, row.get("part") or "")
            if row.get("suppressed"):
                out[key] = [WITHHELD]
            else:
                fields = [field(row.get("value"))]
                for k in DETAILS[name]:
                    v = row.get(k)
                    fields += [field(x) for x in v] if isinstance(v, list) else [field(v)]
                out[key] = fields
    return out, errors


def field(v):
    if v is None:
        return ""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def same_field(a, b):
    if a == b:
        return True
    try:
        return abs(float(a) - float(b)) <= 0.005 + 1e-9 * abs(float(a))
    except ValueError:
        return False


def differences(a, b, names, labels=("a", "b"), limit=5):
    """What differs between two row sets over the indicators `names`: a list
    of sentences (empty when they agree). A missing row of a breakdown (a
    kind, a step) equals a row whose value is 0."""
    out = []
    for name in sorted(names):
        ka = {k for k in a if k[0] == name}
        kb = {k for k in b if k[0] == name}
        wrong = []
        for key in sorted(ka | kb):
            fa, fb = a.get(key), b.get(key)
            if fa is None or fb is None:
                present = fa if fa is not None else fb
                if key[2] and present[0] == "0":
                    continue  # a breakdown's empty part, listed by one side only
                wrong.append(f"{key[1:]}: only in {labels[0] if fa is not None else labels[1]}")
            elif WITHHELD in (fa[0], fb[0]):
                continue
            elif len(fa) != len(fb) or not all(same_field(x, y) for x, y in zip(fa, fb)):
                wrong.append(f"{key[1:]}: {labels[0]} {fa}, {labels[1]} {fb}")
        if wrong:
            more = f" (and {len(wrong) - limit} more)" if len(wrong) > limit else ""
            out.append(f"{name}: {len(wrong)} rows differ, e.g. " + "; ".join(wrong[:limit]) + more)
    return out
