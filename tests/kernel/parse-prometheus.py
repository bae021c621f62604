# Parses Prometheus text exposition files with prometheus_client's parser
# (the one of Prometheus' Python client): parse-prometheus.py FILE...
# Prints one JSON object: for each file, its families by name, each with
# its type and samples ([name, labels, value]). Exits 1 on a parse error.
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

result = {}
for name in sys.argv[1:]:
    with open(name) as f:
        text = f.read()
    try:
        families = {}
        for family in text_string_to_metric_families(text):
            if family.name in families:
                raise ValueError(f"family {family.name} twice")
            families[family.name] = {
                "type": family.type,
                "samples": [[s.name, s.labels, s.value] for s in family.samples],
            }
    except Exception as e:  # the parser raises ValueError and others
        print(f"{name}: {e}")
        sys.exit(1)
    result[name] = families
json.dump(result, sys.stdout)
