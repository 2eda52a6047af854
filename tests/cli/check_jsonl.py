"""check_jsonl.py TRACE: every line of a --format jsonl trace is one JSON object."""
import json
import sys

n = 0
with open(sys.argv[1], encoding="utf-8") as fp:
    for i, line in enumerate(fp, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as e:
            sys.exit("line %d: not JSON: %s" % (i, e))
        if not isinstance(obj, dict):
            sys.exit("line %d: not a JSON object" % i)
        n += 1
if n == 0:
    sys.exit("no events")
