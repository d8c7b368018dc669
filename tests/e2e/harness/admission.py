"""The e2e API stand-in's schema check: kubernetes-validate (its own strict schemas and its own
jsonschema library, nothing of hfgen's), one JSON object per input line, one JSON line out:
the list of what it refuses (empty when the object is valid).

Usage: python3 admission.py KUBERNETES_VERSION
"""

import json
import sys

import kubernetes_validate


def problems(job, version):
    try:
        kubernetes_validate.validate(job, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        path = ".".join(str(part) for part in error.path)
        return [f"{path or '.'}: {error.message}"]
    except (kubernetes_validate.SchemaNotFoundError, KeyError, TypeError) as error:
        return [f"no schema: {error}"]
    return []


def main():
    version = sys.argv[1]
    for line in sys.stdin:
        print(json.dumps(problems(json.loads(line), version)), flush=True)


if __name__ == "__main__":
    main()
