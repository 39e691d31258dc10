#!/usr/bin/python3
"""Reads `crm_mon -1 --output-as=xml` on stdin; exit 0 when the sandbox cluster is settled:
all expected nodes online, no failed or pending operations, every primitive outside clones
started, and one instance of every clone on every online member. Otherwise prints why, exit 1."""
import sys
import xml.etree.ElementTree as ET

expected = sys.argv[1].split(",") if len(sys.argv) > 1 else []
nodes_only = len(sys.argv) > 2 and sys.argv[2] == "nodes"
try:
    root = ET.fromstring(sys.stdin.read())
except ET.ParseError as e:
    print(f"crm_mon output is not XML: {e}")
    sys.exit(1)

why = []
nodes = {}
for n in root.findall("./nodes/node"):
    nodes[n.get("name")] = n
for name in expected:
    n = nodes.get(name)
    if n is None:
        why.append(f"node {name} unknown")
    elif n.get("online") != "true" or n.get("pending") == "true" or n.get("unclean") == "true":
        why.append(f"node {name} not online")
members_online = [n for n in nodes.values() if n.get("type") == "member" and n.get("online") == "true"]

summary = root.find("./summary/current_dc")
if summary is None or summary.get("present") != "true":
    why.append("no DC")

res = root.find("./resources")
if nodes_only:
    pass
elif res is None:
    why.append("no resources section")
else:
    for el in res:
        if el.tag == "clone":
            active = [r for r in el.iter("resource") if r.get("active") == "true" and r.get("role") == "Started"]
            if len(active) < len(members_online):
                why.append(f"clone {el.get('id')}: {len(active)}/{len(members_online)} started")
            continue
        prims = [el] if el.tag == "resource" else list(el.iter("resource"))
        for r in prims:
            if r.get("role") != "Started" or r.get("active") != "true":
                why.append(f"{r.get('id')} {r.get('role')}")
        for r in ([el] + list(el.iter())):
            if r.get("failed") == "true" or r.get("blocked") == "true" or r.get("pending"):
                why.append(f"{r.get('id')} failed/blocked/pending")
failures = [] if nodes_only else root.findall("./failures/failure")
if failures:
    why.append(f"{len(failures)} failed action(s): " + ", ".join(f"{f.get('op_key')} on {f.get('node')}" for f in failures[:3]))

if why:
    print("; ".join(why))
    sys.exit(1)
sys.exit(0)
