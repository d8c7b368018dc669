#!/usr/bin/env python3
"""Write tests/manifests/kinds/v1.XX-{valid,invalid}.yaml: objects of every kind of every
vendored Kubernetes version, on which hfgen validate and kubernetes-validate --strict must agree
(tests/validate.rs).

For each kind of schema/kubernetes/every-kind/v1.XX.json (but the *List kinds and v1 List,
whose objects have no metadata.name, which kubernetes-validate needs to name a resource):
  valid:   the kind's required fields, filled in from the schema, plus metadata.name;
  invalid: the same object with an unknown field where the kind's own fields are (spec, or
           the top level), and the same object with the first field found below the top
           given a value of the wrong type.
Each object's name says which case it is, so the test can match kubernetes-validate's report
(`resource <kind>/<name>`) to hfgen's.

Deterministic; standard library only. Usage: python3 scripts/make-kind-corpus.py [--check]
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "schema" / "kubernetes" / "every-kind"
OUT = REPO / "tests" / "manifests" / "kinds"
VERSIONS = ["1.25", "1.33", "1.37"]
TOP = {"apiVersion", "kind", "metadata"}


def resolve(schema: dict, defs: dict) -> dict:
    while "$ref" in schema:
        schema = defs[schema["$ref"].split("/")[-1]]
    return schema


def types(schema: dict) -> list[str]:
    t = schema.get("type", [])
    return [t] if isinstance(t, str) else list(t)


def sample(schema: dict, defs: dict, depth: int = 0):
    """A value that satisfies `schema` with as little as possible: required fields only."""
    schema = resolve(schema, defs)
    if "enum" in schema:
        return schema["enum"][0]
    kinds = [t for t in types(schema) if t != "null"]
    if "object" in kinds or "properties" in schema:
        props = schema.get("properties", {})
        return {name: sample(props[name], defs, depth + 1) for name in schema.get("required", [])}
    if "array" in kinds:
        count = schema.get("minItems", 0)
        return [sample(schema.get("items", {}), defs, depth + 1) for _ in range(count)]
    if "string" in kinds or not kinds:
        return "x"
    if "integer" in kinds:
        return 1
    if "number" in kinds:
        return 1
    if "boolean" in kinds:
        return True
    raise SystemExit(f"no sample for {schema}")


def wrong_value(schema: dict, defs: dict):
    """A value of a type `schema` does not accept, or None if it accepts any type."""
    kinds = set(types(resolve(schema, defs)))
    if not kinds:
        return None
    for candidate in (["a", "list"], "not-a-number", 3, {"a": 1}):
        ok = {list: "array", str: "string", int: "integer", dict: "object"}[type(candidate)]
        accepted = kinds | ({"number"} & kinds and {"integer"} or set())
        if ok not in accepted:
            return candidate
    return None


def first_field(schema: dict, defs: dict):
    """(path, wrong value) of the first property below the top with a checkable type."""
    queue = [((), schema)]
    while queue:
        path, node = queue.pop(0)
        node = resolve(node, defs)
        for name in sorted(node.get("properties", {})):
            if not path and name in TOP:
                continue
            sub = node["properties"][name]
            value = wrong_value(sub, defs)
            if value is not None:
                return path + (name,), value
    return None


def container_path(schema: dict, defs: dict):
    """Where the kind's own fields live: ("spec",) when spec is an object with properties."""
    props = resolve(schema, defs).get("properties", {})
    spec = props.get("spec")
    if spec is not None and resolve(spec, defs).get("properties"):
        return ("spec",)
    return ()


def set_path(obj: dict, path, value):
    for name in path[:-1]:
        obj = obj.setdefault(name, {})
    obj[path[-1]] = value


def name_of(api_version: str, kind: str, case: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", f"{kind}-{api_version}-{case}".lower())


def documents(version: str) -> tuple[list[dict], list[dict]]:
    doc = json.loads((SCHEMAS / f"v{version}.json").read_text())
    defs = doc["$defs"]
    valid, invalid = [], []
    for key, def_name in sorted(doc["x-kinds"].items()):
        api_version, kind = key.rsplit("/", 1)
        if kind.endswith("List"):
            continue
        schema = defs[def_name]
        base = sample(schema, defs)
        base["apiVersion"], base["kind"] = api_version, kind
        base["metadata"] = {"name": name_of(api_version, kind, "valid")}
        valid.append(base)

        unknown = json.loads(json.dumps(base))
        unknown["metadata"]["name"] = name_of(api_version, kind, "unknown-field")
        set_path(unknown, container_path(schema, defs) + ("unexpectedField",), "x")
        invalid.append(unknown)

        found = first_field(schema, defs)
        if found:
            path, value = found
            wrong = json.loads(json.dumps(base))
            wrong["metadata"]["name"] = name_of(api_version, kind, "wrong-type")
            set_path(wrong, path, value)
            invalid.append(wrong)
    return valid, invalid


def yaml_stream(docs: list[dict], header: str) -> str:
    # JSON is YAML; one flow document per object keeps the file short and diffable.
    return header + "".join("---\n" + json.dumps(d, sort_keys=True) + "\n" for d in docs)


def main() -> int:
    check = "--check" in sys.argv[1:]
    stale = []
    for version in VERSIONS:
        valid, invalid = documents(version)
        header = f"# Generated by scripts/make-kind-corpus.py from schema/kubernetes/every-kind/v{version}.json\n"
        for case, docs in (("valid", valid), ("invalid", invalid)):
            out = OUT / f"v{version}-{case}.yaml"
            text = yaml_stream(docs, header)
            if out.exists() and out.read_text() == text:
                continue
            stale.append(out)
            if not check:
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(text)
        print(f"v{version}: {len(valid)} valid, {len(invalid)} invalid objects")
    if check and stale:
        print(f"stale: {', '.join(map(str, stale))}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
