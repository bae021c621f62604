# Validates JSON documents against schema/ipvsadm-list.schema.json (draft
# 2020-12) with the jsonschema package: validate-json.py SCHEMA FILE...
# Prints the first problem of the first invalid document and exits 1.
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
validator = jsonschema.Draft202012Validator(schema)
validator.check_schema(schema)
# Self-check: a document that breaks the schema must be refused.
broken = {"ipvs": {"version": "1.2.1", "conn_tab_size": 4096},
          "services": [{"family": "inet", "extra": 1}]}
if validator.is_valid(broken):
    print("the validator accepts a broken document")
    sys.exit(1)
for name in sys.argv[2:]:
    with open(name) as f:
        document = json.load(f)
    errors = sorted(validator.iter_errors(document), key=lambda e: e.path)
    if errors:
        print(f"{name}: {errors[0].message} at {list(errors[0].path)}")
        sys.exit(1)
print(f"{len(sys.argv) - 2} documents valid")
