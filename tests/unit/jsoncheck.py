#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Parse FILE as strict JSON, then check each EXPR (a Python expression
over the parsed document `d`) is true.

    jsoncheck.py FILE [EXPR...]
"""
import json
import sys


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key in %r" % keys)
    return dict(pairs)


def no_constants(name):
    raise ValueError("non-standard constant " + name)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    try:
        d = json.loads(text, object_pairs_hook=no_duplicates,
                       parse_constant=no_constants)
    except ValueError as e:
        print("jsoncheck: invalid JSON: %s" % e)
        return 1
    bad = 0
    for expr in sys.argv[2:]:
        try:
            ok = eval(expr, {"d": d})
        except Exception as e:  # a missing key is a failed check
            ok = False
            expr += " (%s: %s)" % (type(e).__name__, e)
        if not ok:
            print("jsoncheck: false: " + expr)
            bad += 1
    return 1 if bad else 0


sys.exit(main())
