#!/usr/bin/env python3
"""Validate STIX 2.1 bundles against the official JSON schemas, offline.

usage: stix_validate.py SCHEMA_DIR BUNDLE.json...

Every schema under SCHEMA_DIR is loaded and registered by its $id, so the
schemas' relative $refs resolve locally (no network).  Each bundle is
checked against common/bundle.json, and each of its objects against the
schema of its own type.

The published common/bundle.json omits some types from its list of STIX
objects (incident, as it once omitted infrastructure: oasis-open/
cti-stix2-json-schemas#133); such an object then falls to the custom-object
branch, where it matches both core.json and cyber-observable-core.json and
fails the oneOf.  Objects of those types are checked against their own
schema (sdos/incident.json) and left out of the bundle-level check; the
schemas themselves are used unchanged.  Exit 1 with the errors on any
failure.  Works with python3-jsonschema 4.10 (Debian 12) and newer.
"""
import glob
import json
import os
import sys

import jsonschema

# types common/bundle.json does not list (see above)
UNLISTED = {"incident"}


def load_schemas(root):
    schemas = {}
    for path in glob.glob(os.path.join(root, "*", "*.json")):
        with open(path, encoding="utf-8") as f:
            schemas[os.path.relpath(path, root)] = json.load(f)
    return schemas


def validator_for(schema, schemas):
    cls = jsonschema.Draft202012Validator
    try:
        from referencing import Registry, Resource  # jsonschema >= 4.18
        registry = Registry().with_resources(
            (s["$id"], Resource.from_contents(s)) for s in schemas.values())
        return cls(schema, registry=registry)
    except ImportError:
        store = {s["$id"]: s for s in schemas.values()}
        resolver = jsonschema.RefResolver(schema["$id"], schema, store=store)
        return cls(schema, resolver=resolver)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    root = sys.argv[1]
    schemas = load_schemas(root)
    bundle_v = validator_for(schemas[os.path.join("common", "bundle.json")], schemas)
    by_type = {}
    for rel, s in schemas.items():
        kind, name = rel.split(os.sep)
        if kind in ("sdos", "sros", "observables") or name in (
                "marking-definition.json", "language-content.json"):
            by_type[name[:-5]] = validator_for(s, schemas)
    failed = 0
    for path in sys.argv[2:]:
        with open(path, encoding="utf-8") as f:
            bundle = json.load(f)
        listed = dict(bundle)
        listed["objects"] = [o for o in bundle.get("objects", [])
                             if o.get("type") not in UNLISTED] or bundle.get("objects", [])
        errors = [f"bundle: {e.message}" for e in bundle_v.iter_errors(listed)]
        for obj in bundle.get("objects", []):
            v = by_type.get(obj.get("type"))
            if v is None:
                errors.append(f"{obj.get('id')}: no schema for type {obj.get('type')!r}")
                continue
            errors += [f"{obj.get('id')}: {e.message}" for e in v.iter_errors(obj)]
        ids = [o.get("id") for o in bundle.get("objects", [])]
        if len(ids) != len(set(ids)):
            errors.append("duplicate object ids")
        for e in errors:
            print(f"{path}: {e}", file=sys.stderr)
        failed += bool(errors)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
