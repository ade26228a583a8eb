#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A strict checker of the Prometheus text exposition format (0.0.4), as
node_exporter's textfile collector reads it, plus expected samples.

    promcheck.py FILE [SAMPLE...]

A SAMPLE is either a whole sample line, 'name{labels} value', that must
appear as written, or '!name': no sample of that metric may appear.
"""
import re
import sys

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
LVALUE = r'"(?:[^"\\\n]|\\[\\"n])*"'
LABELS = r"\{(?:%s=%s(?:,%s=%s)*,?)?\}" % (LABEL, LVALUE, LABEL, LVALUE)
VALUE = r"(?:[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)|[-+]?Inf|NaN)"
SAMPLE = re.compile(r"^(%s)(%s)? (%s)(?: -?\d+)?$" % (NAME, LABELS, VALUE))
HELP = re.compile(r"^# HELP (%s) (.*)$" % NAME)
TYPE = re.compile(r"^# TYPE (%s) (counter|gauge|histogram|summary|untyped)$"
                  % NAME)
SUFFIXES = ("_bucket", "_count", "_sum")


class Checker:
    def __init__(self):
        self.errors = []
        self.types = {}
        self.helps = set()
        self.done = set()       # families whose samples have ended
        self.current = None
        self.series = set()
        self.samples = []

    def error(self, n, msg):
        self.errors.append("line %d: %s" % (n, msg))

    def family(self, name):
        for suffix in SUFFIXES:
            base = name[:-len(suffix)]
            if name.endswith(suffix) and self.types.get(base) in (
                    "histogram", "summary"):
                return base
        return name

    def enter(self, n, fam):
        if fam == self.current:
            return
        if fam in self.done:
            self.error(n, "metric family %s is not contiguous" % fam)
        if self.current:
            self.done.add(self.current)
        self.current = fam

    def comment(self, n, line):
        m = HELP.match(line)
        if m:
            if m.group(1) in self.helps:
                self.error(n, "second HELP for " + m.group(1))
            self.helps.add(m.group(1))
            self.enter(n, m.group(1))
            return
        m = TYPE.match(line)
        if m:
            if m.group(1) in self.types:
                self.error(n, "second TYPE for " + m.group(1))
            if m.group(1) in self.done or m.group(1) == self.current and \
                    any(s[0] == m.group(1) for s in self.samples):
                self.error(n, "TYPE after samples of " + m.group(1))
            self.types[m.group(1)] = m.group(2)
            self.enter(n, m.group(1))
            return
        if line.startswith("# HELP") or line.startswith("# TYPE"):
            self.error(n, "malformed: " + line)

    def sample(self, n, line):
        m = SAMPLE.match(line)
        if not m:
            self.error(n, "not a sample: " + line)
            return
        name, labels, value = m.group(1), m.group(2) or "", m.group(3)
        fam = self.family(name)
        self.enter(n, fam)
        if fam not in self.types:
            self.error(n, "no TYPE before " + name)
        names = re.findall(r"(%s)=" % LABEL, labels)
        if len(names) != len(set(names)):
            self.error(n, "repeated label in " + line)
        if any(x.startswith("__") for x in names):
            self.error(n, "reserved label name in " + line)
        key = (name, tuple(sorted(re.findall(
            r"(%s)=(%s)" % (LABEL, LVALUE), labels))))
        if key in self.series:
            self.error(n, "duplicate series " + line)
        self.series.add(key)
        if self.types.get(fam) == "counter":
            if not name.endswith("_total"):
                self.error(n, "counter without _total: " + name)
            if value.startswith("-"):
                self.error(n, "negative counter: " + line)
        self.samples.append((name, line))

    def check(self, text):
        if not text.endswith("\n"):
            self.errors.append("no newline at the end")
        for n, line in enumerate(text.split("\n")[:-1], 1):
            if not line:
                self.error(n, "empty line")
            elif line.startswith("#"):
                self.comment(n, line)
            else:
                self.sample(n, line)
        for fam in self.types:
            if fam not in self.helps:
                self.errors.append("no HELP for " + fam)


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    c = Checker()
    c.check(text)
    lines = {line for _, line in c.samples}
    names = {name for name, _ in c.samples}
    for want in sys.argv[2:]:
        if want.startswith("!"):
            if want[1:] in names:
                c.errors.append("unexpected sample of " + want[1:])
        elif want not in lines:
            c.errors.append("missing sample: " + want)
    for e in c.errors:
        print("promcheck: " + e)
    return 1 if c.errors else 0


sys.exit(main())
