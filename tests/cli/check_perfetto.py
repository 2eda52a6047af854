"""check_perfetto.py SCENARIO TRACE: TRACE (tgsig run --format perfetto) is valid JSON in the
Chrome trace-event format and names every thread of the scenario exactly once with a
thread_name metadata event (args.name is "PROC.THREAD" or "PROC.THREAD ...")."""
import json
import re
import sys


def scenario_threads(path):
    """PROC.THREAD names declared by the world, fork and clone steps (a rough reading)."""
    names, proc, has_thread = [], None, {}
    with open(path, encoding="utf-8") as fp:
        for raw in fp:
            line = raw.split("#", 1)[0].rstrip()
            words = line.split()
            if not words:
                continue
            if words[0] == "process" and len(words) > 1:
                proc = words[1]
                has_thread[proc] = False
                names.append((proc, None))
            elif words[0] == "thread" and raw[:1] in " \t" and proc:
                if not has_thread[proc]:
                    names = [n for n in names if n != (proc, None)]
                    has_thread[proc] = True
                names.append((proc, words[1]))
            elif ":" in words[0] or (len(words) > 1 and words[1] in ("fork", "clone")):
                m = re.match(r"^(\w+)(?:\.[\w*]+)?:\s*(fork|clone)\s+(\w+)", line.strip())
                if m:
                    actor, kind, new = m.groups()
                    names.append((new, "main") if kind == "fork" else (actor, new))
    out = []
    for p, t in names:
        out.append("%s.%s" % (p, t if t else "main"))
    return out


def main():
    want = scenario_threads(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as fp:
        data = json.load(fp)
    events = data.get("traceEvents") if isinstance(data, dict) else data
    if not isinstance(events, list):
        sys.exit("no traceEvents list")
    got = {}
    for e in events:
        if e.get("ph") == "M" and e.get("name") == "thread_name":
            name = str(e.get("args", {}).get("name", ""))
            key = name.split()[0] if name else ""
            got[key] = got.get(key, 0) + 1
    bad = [w for w in want if got.get(w, 0) != 1]
    if bad:
        sys.exit("thread_name events: want one for each of %s; got %s" % (bad, got))


main()
