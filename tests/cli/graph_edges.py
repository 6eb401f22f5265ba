"""Prints the edges of trustcheck's DOT graph as "child [role] -> issuer [role]: outcome".

With --certgen FILE OLD, reads certgen list --format dot instead: "name [REVOKED (reason)]
-> issuer name: issued by|same key", with the directory OLD written as OLD/.

A node's name is the first line of its label and its role the last line
("presented", "pool", "anchor (user)"); the outcome is the edge's class,
with the failure label after its first word.  Used by
test_graph.sh to compare graph structure, not layout.
"""
import re
import sys

NODE = re.compile(r'^\s*"(c[0-9a-f]+)" \[label="((?:[^"\\]|\\.)*)"')
EDGE = re.compile(r'^\s*"(c[0-9a-f]+)" -> "(c[0-9a-f]+)" \[(.*)\];$')
ATTR = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def main(path):
    nodes = {}
    edges = []
    for line in open(path, encoding="ascii"):
        m = EDGE.match(line)
        if m:
            attrs = dict(ATTR.findall(m.group(3)))
            edges.append((m.group(1), m.group(2), attrs))
            continue
        m = NODE.match(line)
        if m:
            lines = m.group(2).split("\\n")
            role = lines[3] if len(lines) > 3 else "?"
            role = role.replace("(", "").replace(")", "")
            nodes[m.group(1)] = "%s [%s]" % (lines[0], role)
    for a, b, attrs in edges:
        words = attrs.get("class", "").split()
        if "label" in attrs:
            words.insert(1, attrs["label"])
        print("%s -> %s: %s" % (nodes.get(a, a), nodes.get(b, b), " ".join(words)))


def certgen(path, old):
    labels, edges = {}, []
    node = re.compile(r'^\s*"([^"]+)" \[label="((?:[^"\\]|\\.)*)"')
    edge = re.compile(r'^\s*"([^"]+)" -> "([^"]+)"(.*);$')
    for line in open(path, encoding="ascii"):
        m = edge.match(line)
        if m:
            how = "same key" if "same-key" in m.group(3) else "issued by"
            edges.append((m.group(1), m.group(2), how))
            continue
        m = node.match(line)
        if m:
            parts = m.group(2).split("\\n")
            marks = [p for p in parts[1:] if p.startswith(("REVOKED", "superseded"))]
            labels[m.group(1)] = " ".join([parts[0].replace(old, "OLD/")] + marks)
    for a, b, how in edges:
        print("%s -> %s: %s" % (labels[a], labels[b], how))


if __name__ == "__main__":
    if sys.argv[1] == "--certgen":
        certgen(sys.argv[2], sys.argv[3])
    else:
        main(sys.argv[1])
