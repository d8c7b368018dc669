#!/usr/bin/env python3
"""Regenerate schema/kubernetes/v1.XX.json from the PyPI package kubernetes-validate.

hfgen validates the Kubernetes YAML it renders offline, against the *strict*
JSON schemas shipped in the kubernetes-validate wheel (Apache-2.0,
https://github.com/willthames/kubernetes-validate), directory
``kubernetes_validate/kubernetes-json-schema/v1.XX.0-local-strict/``.

That directory holds ~860 files and a 1-2 MB ``_definitions.json`` per
Kubernetes version.  hfgen needs a handful of kinds, so for every supported
version this script writes ONE compact, self-contained draft 2020-12 document:

    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "allOf": [{"if": <apiVersion is apps/v1 and kind is Deployment>,
                 "then": {"$ref": "#/$defs/kind.apps.v1.Deployment"}}, ...],
      "x-kubernetes-version": "1.33",
      "x-kinds": {"apps/v1/Deployment": "kind.apps.v1.Deployment", ...},
      "x-source": {...provenance...},
      "$defs": {"kind.apps.v1.Deployment": {...}, "io.k8s.api.apps.v1.DeploymentSpec": {...}, ...}
    }

What it does to the upstream schemas:
  * each kind's top-level schema is taken from its per-kind file (which carries
    ``additionalProperties: false`` and the apiVersion/kind enums) and stored in
    ``$defs`` as ``kind.<group or "core">.<version>.<Kind>``;
  * every ``$ref`` (``/api/_definitions.json#/$defs/X`` in the per-kind files,
    ``#/$defs/X`` inside _definitions.json) becomes the local ``#/$defs/X``;
  * ``$defs`` is pruned to exactly the definitions transitively reachable from
    those kinds;
  * ``$id`` and nested ``$schema`` are removed so every reference stays local;
  * annotations that never affect validation are dropped unless
    ``--keep-annotations`` is given: ``description`` and ``x-kubernetes-*``
    (``format`` is kept: it is an annotation in draft 2020-12 and costs little);
  * a ``oneOf`` whose branches are all bare ``{"type": ...}`` (IntOrString,
    Quantity) becomes a single ``type`` union.  Same result for every value
    except ``null``, which upstream rejects because it matches *both* branches
    ("valid under more than one schema") although Kubernetes treats it as unset.
    Disable with ``--keep-oneof``.
Any keyword the script does not know makes it fail, so upstream changes are
noticed instead of silently mangled.

Output is deterministic (sorted keys, compact separators, trailing newline);
files are only rewritten when their content changes.

Usage:
    python3 scripts/vendor-k8s-schemas.py                 # pip-downloads the pinned wheel
    python3 scripts/vendor-k8s-schemas.py --source X      # X = wheel (.whl), unpacked wheel,
                                                          # installed package dir or site-packages
    python3 scripts/vendor-k8s-schemas.py --check         # exit 1 if the vendored files are stale
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "kubernetes-validate"
PACKAGE_VERSION = "1.37.0"
# sha256 of kubernetes_validate-1.37.0-py3-none-any.whl as served by PyPI.
WHEEL_SHA256 = "85136d018a27b50ec7fc049d902bfa5193f5976807e6c0f408e3ab6fe078cad9"
SCHEMA_ROOT = "kubernetes_validate/kubernetes-json-schema"

VERSIONS = ["1.25", "1.33", "1.37"]

# (apiVersion, kind) pairs hfgen renders.
KINDS = [
    ("v1", "ServiceAccount"),
    ("v1", "ConfigMap"),
    ("v1", "Service"),
    ("v1", "PersistentVolume"),
    ("v1", "PersistentVolumeClaim"),
    ("v1", "Namespace"),
    ("v1", "Secret"),
    ("rbac.authorization.k8s.io/v1", "Role"),
    ("rbac.authorization.k8s.io/v1", "RoleBinding"),
    ("rbac.authorization.k8s.io/v1", "ClusterRole"),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "DaemonSet"),
    ("batch/v1", "Job"),
    ("batch/v1", "CronJob"),
    ("networking.k8s.io/v1", "NetworkPolicy"),
    ("policy/v1", "PodDisruptionBudget"),
]

# Every kind of each version (schema/kubernetes/every-kind/v1.XX.json), compiled by hfgen one
# kind at a time on first use; the documents above it hold only the kinds hfgen renders.
EVERY_KIND_FOLDER = "every-kind"

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# Keywords whose value is a map name -> subschema.
MAP_OF_SCHEMAS = {"properties", "patternProperties", "$defs", "dependentSchemas"}
# Keywords whose value is a subschema (or boolean schema).
ONE_SCHEMA = {
    "items", "additionalProperties", "not", "contains", "propertyNames",
    "if", "then", "else", "unevaluatedItems", "unevaluatedProperties",
}
# Keywords whose value is a list of subschemas.
LIST_OF_SCHEMAS = {"oneOf", "anyOf", "allOf", "prefixItems"}
# Keywords copied verbatim (they hold data, not subschemas).
VERBATIM = {
    "type", "enum", "const", "required", "format", "default", "minimum", "maximum",
    "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "minLength", "maxLength",
    "pattern", "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties",
}
# Pure annotations, dropped unless --keep-annotations.
ANNOTATIONS = {"description", "title", "examples"}
DROPPED_ALWAYS = {"$id", "$schema"}

REF_RE = re.compile(r"^(?:/api/_definitions\.json)?#/\$defs/([^/~#]+)$")


class VendorError(Exception):
    pass


# --------------------------------------------------------------------------- sources


class Source:
    """Read files below kubernetes-json-schema/ from a wheel or a directory."""

    def __init__(self, path: Path):
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.root: Path | None = None
        if path.is_file():
            self.zip = zipfile.ZipFile(path)
            names = set(self.zip.namelist())
            if not any(n.startswith(SCHEMA_ROOT + "/") for n in names):
                raise VendorError(f"{path}: no {SCHEMA_ROOT}/ inside, not a kubernetes-validate wheel?")
        else:
            for cand in (
                path,
                path / "kubernetes-json-schema",
                path / "kubernetes_validate" / "kubernetes-json-schema",
            ):
                if any(cand.glob("v1.*-local-strict")):
                    self.root = cand
                    break
            if self.root is None:
                raise VendorError(f"{path}: cannot find kubernetes-json-schema/v1.XX.0-local-strict/ below it")

    def strict_dirs(self) -> list[str]:
        """Names of the v1.XX.0-local-strict directories present in the source."""
        if self.zip is not None:
            found = {n.split("/")[2] for n in self.zip.namelist()
                     if n.startswith(SCHEMA_ROOT + "/") and n.count("/") >= 3}
        else:
            found = {p.name for p in self.root.iterdir() if p.is_dir()}
        return sorted((d for d in found if re.fullmatch(r"v1\.\d+\.0-local-strict", d)),
                      key=lambda d: int(d.split(".")[1]))

    def names(self, version_dir: str) -> list[str]:
        """The file names of one version directory, sorted."""
        if self.zip is not None:
            prefix = f"{SCHEMA_ROOT}/{version_dir}/"
            found = [n[len(prefix):] for n in self.zip.namelist() if n.startswith(prefix)]
        else:
            found = [p.name for p in (self.root / version_dir).iterdir()]
        return sorted(n for n in found if n.endswith(".json") and "/" not in n)

    def read_json(self, version_dir: str, name: str):
        try:
            if self.zip is not None:
                data = self.zip.read(f"{SCHEMA_ROOT}/{version_dir}/{name}")
            else:
                data = (self.root / version_dir / name).read_bytes()
        except (KeyError, FileNotFoundError):
            raise VendorError(f"{version_dir}/{name} not found in {self.path}") from None
        return json.loads(data)

    def package_version(self) -> str | None:
        """Best effort: version from the wheel's dist-info / installed metadata."""
        if self.zip is not None:
            for n in self.zip.namelist():
                m = re.match(r"kubernetes_validate-([^/]+)\.dist-info/METADATA$", n)
                if m:
                    return m.group(1)
            return None
        # installed package or unpacked wheel: dist-info sits next to kubernetes_validate/
        for parent in list(self.root.parents)[:3]:
            for meta in sorted(parent.glob("kubernetes_validate-*.dist-info")):
                return meta.name[len("kubernetes_validate-"):-len(".dist-info")]
        return None


def download_wheel(tmp: Path) -> Path:
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "-q", f"{PACKAGE}=={PACKAGE_VERSION}", "-d", str(tmp),
    ]
    print("+ " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)
    wheels = sorted(tmp.glob("kubernetes_validate-*.whl"))
    if len(wheels) != 1:
        raise VendorError(f"expected one wheel in {tmp}, found {[w.name for w in wheels]}")
    return wheels[0]


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --------------------------------------------------------------------------- transform


def kind_file_name(api_version: str, kind: str) -> str:
    """deployment-apps-v1.json, service-v1.json, role-rbac-v1.json, ..."""
    if "/" in api_version:
        group, version = api_version.split("/", 1)
        return f"{kind.lower()}-{group.split('.')[0]}-{version}.json"
    return f"{kind.lower()}-{api_version}.json"


def kind_def_name(api_version: str, kind: str) -> str:
    group, version = api_version.split("/", 1) if "/" in api_version else ("core", api_version)
    return f"kind.{group}.{version}.{kind}"


class Transformer:
    def __init__(self, keep_annotations: bool, keep_oneof: bool):
        self.keep_annotations = keep_annotations
        self.keep_oneof = keep_oneof
        self.simplified_oneof = 0

    def schema(self, s, where: str, refs: set[str]):
        """Return a transformed copy of subschema ``s``; collect $ref targets into refs."""
        if isinstance(s, bool):
            return s
        if not isinstance(s, dict):
            raise VendorError(f"{where}: expected a schema, got {type(s).__name__}")
        out = {}
        for key, val in s.items():
            at = f"{where}/{key}"
            if key in DROPPED_ALWAYS:
                continue
            if key == "$ref":
                if not isinstance(val, str):
                    raise VendorError(f"{at}: $ref is not a string")
                m = REF_RE.match(val)
                if not m:
                    raise VendorError(f"{at}: unsupported $ref {val!r}")
                refs.add(m.group(1))
                out[key] = f"#/$defs/{m.group(1)}"
            elif key in MAP_OF_SCHEMAS:
                out[key] = {k: self.schema(v, f"{at}/{k}", refs) for k, v in val.items()}
            elif key in ONE_SCHEMA:
                out[key] = self.schema(val, at, refs)
            elif key in LIST_OF_SCHEMAS:
                out[key] = [self.schema(v, f"{at}/{i}", refs) for i, v in enumerate(val)]
            elif key in VERBATIM:
                out[key] = val
            elif key in ANNOTATIONS or key.startswith("x-kubernetes-"):
                if self.keep_annotations:
                    out[key] = val
            else:
                raise VendorError(f"{at}: unknown keyword {key!r}; teach vendor-k8s-schemas.py about it")
        if not self.keep_oneof:
            out = self.simplify_type_oneof(out)
        return out

    def simplify_type_oneof(self, s: dict) -> dict:
        """{"oneOf": [{"type": A}, {"type": B}]} -> {"type": A ∪ B} (IntOrString, Quantity)."""
        branches = s.get("oneOf")
        if not isinstance(branches, list) or not branches:
            return s
        if "type" in s or not all(isinstance(b, dict) and set(b) == {"type"} for b in branches):
            return s
        types: list[str] = []
        for b in branches:
            for t in b["type"] if isinstance(b["type"], list) else [b["type"]]:
                if t not in types:
                    types.append(t)
        # upstream order, "null" last: error messages read "is not of types string, integer, null"
        if "null" in types:
            types = [t for t in types if t != "null"] + ["null"]
        s = {k: v for k, v in s.items() if k != "oneOf"}
        s["type"] = types
        self.simplified_oneof += 1
        return s


def version_dir(src: Source, version: str) -> str:
    vdir = f"v{version}.0-local-strict"
    available = src.strict_dirs()
    if vdir not in available:
        have = ", ".join(d[1:].split(".0-")[0] for d in available)
        raise VendorError(f"Kubernetes {version}: no {vdir}/ in the source; available: {have}")
    return vdir


def upstream_definitions(src: Source, vdir: str) -> dict:
    definitions = src.read_json(vdir, "_definitions.json")
    upstream_defs = definitions.get("$defs")
    if not isinstance(upstream_defs, dict):
        raise VendorError(f"{vdir}/_definitions.json has no $defs")
    return upstream_defs


def kind_schema(raw: dict, vdir: str, fname: str, api_version: str, kind: str):
    """Checks that the per-kind file ``fname`` is the strict schema of ``api_version`` ``kind``."""
    group, ver = api_version.split("/", 1) if "/" in api_version else ("", api_version)
    gvks = raw.get("x-kubernetes-group-version-kind") or []
    if {"group": group, "version": ver, "kind": kind} not in gvks:
        raise VendorError(f"{vdir}/{fname}: x-kubernetes-group-version-kind {gvks} does not name {api_version} {kind}")
    props = raw.get("properties", {})
    if api_version not in props.get("apiVersion", {}).get("enum", []) or kind not in props.get("kind", {}).get("enum", []):
        raise VendorError(f"{vdir}/{fname}: apiVersion/kind enums do not allow {api_version} {kind}")
    if raw.get("additionalProperties") is not False:
        raise VendorError(f"{vdir}/{fname}: not strict (additionalProperties is not false)")
    return raw


def every_kind_of(src: Source, vdir: str) -> list[tuple[str, str]]:
    """Every (apiVersion, kind) that kubernetes-validate finds a per-kind file for: a file's
    group-version-kinds whose lookup name (kind_file_name) is that file. DeleteOptions and
    WatchEvent name 60-odd group versions each, but only under meta/v1 does a lookup reach them,
    and no object is sent with apiVersion meta/v1."""
    found = []
    for fname in src.names(vdir):
        if fname.startswith("_") or fname == "all.json":
            continue
        raw = src.read_json(vdir, fname)
        for gvk in raw.get("x-kubernetes-group-version-kind") or []:
            api_version = f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"]
            if kind_file_name(api_version, gvk["kind"]) == fname:
                found.append((api_version, gvk["kind"]))
    return sorted(set(found))


def build_defs(src: Source, vdir: str, kinds, tr: Transformer) -> tuple[dict, dict, int]:
    """$defs with one kind.* entry per kind and every definition they reach; x-kinds."""
    upstream_defs = upstream_definitions(src, vdir)
    defs: dict[str, object] = {}
    x_kinds: dict[str, str] = {}
    pending: list[str] = []

    for api_version, kind in kinds:
        fname = kind_file_name(api_version, kind)
        raw = kind_schema(src.read_json(vdir, fname), vdir, fname, api_version, kind)
        refs: set[str] = set()
        name = kind_def_name(api_version, kind)
        defs[name] = tr.schema(raw, f"{vdir}/{fname}", refs)
        x_kinds[f"{api_version}/{kind}"] = name
        pending.extend(sorted(refs))

    while pending:
        name = pending.pop()
        if name in defs:
            continue
        if name not in upstream_defs:
            raise VendorError(f"{vdir}: $ref to missing definition {name!r}")
        refs = set()
        defs[name] = tr.schema(upstream_defs[name], f"{vdir}/_definitions.json#/$defs/{name}", refs)
        pending.extend(sorted(refs - defs.keys()))
    return defs, x_kinds, len(upstream_defs)


def build_version(src: Source, version: str, tr: Transformer, source_desc: dict) -> tuple[dict, dict]:
    """The kinds hfgen renders, with a root that validates any of them (compiled at build time)."""
    vdir = version_dir(src, version)
    defs, x_kinds, upstream = build_defs(src, vdir, KINDS, tr)
    doc = {
        "$schema": DRAFT,
        # The document is itself the validator of every supported object: the branch whose
        # `if` matches the object's apiVersion and kind applies; a failing `if` reports
        # nothing. hfgen compiles it into Rust at build time (jsonschema's `validator` macro)
        # and reports kinds without a branch itself.
        "allOf": [
            {
                "if": {
                    "properties": {"apiVersion": {"const": key.rsplit("/", 1)[0]}, "kind": {"const": key.rsplit("/", 1)[1]}},
                    "required": ["apiVersion", "kind"],
                },
                "then": {"$ref": f"#/$defs/{name}"},
            }
            for key, name in x_kinds.items()
        ],
        "x-kubernetes-version": version,
        "x-kinds": x_kinds,
        "x-source": dict(source_desc, directory=f"{SCHEMA_ROOT}/{vdir}/"),
        "$defs": defs,
    }
    stats = {"kinds": len(x_kinds), "defs": len(defs), "upstream_defs": upstream}
    return doc, stats


def build_every_kind(src: Source, version: str, tr: Transformer, source_desc: dict) -> tuple[dict, dict]:
    """Every kind of the version, without a root: hfgen compiles one kind's validator
    (`{"$ref": "#/$defs/kind..."}` against this document) the first time it meets the kind."""
    vdir = version_dir(src, version)
    defs, x_kinds, upstream = build_defs(src, vdir, every_kind_of(src, vdir), tr)
    # `kind: List` (what `kubectl get -o yaml` prints) has no per-kind file upstream. Its own
    # fields are checked here; hfgen checks each item as an object of its own kind.
    list_meta = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta"
    if list_meta not in defs:
        raise VendorError(f"{vdir}: no {list_meta} among the definitions of the kinds")
    defs[kind_def_name("v1", "List")] = {
        "type": "object",
        "required": ["items"],
        "properties": {
            "apiVersion": {"type": "string", "enum": ["v1"]},
            "kind": {"type": "string", "enum": ["List"]},
            "metadata": {"$ref": f"#/$defs/{list_meta}"},
            "items": {"type": "array"},
        },
        "additionalProperties": False,
    }
    x_kinds = dict(sorted({**x_kinds, "v1/List": kind_def_name("v1", "List")}.items()))
    doc = {
        "$schema": DRAFT,
        "x-kubernetes-version": version,
        "x-kinds": x_kinds,
        "x-source": dict(source_desc, directory=f"{SCHEMA_ROOT}/{vdir}/"),
        "$defs": defs,
    }
    stats = {"kinds": len(x_kinds), "defs": len(defs), "upstream_defs": upstream}
    return doc, stats


def render(doc: dict) -> bytes:
    return (json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    repo = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path,
                    help="kubernetes-validate wheel (.whl), unpacked wheel, installed kubernetes_validate/ "
                         "or its kubernetes-json-schema/ dir; default: pip download the pinned wheel")
    ap.add_argument("--out", type=Path, default=repo / "schema" / "kubernetes",
                    help="output directory (default: %(default)s)")
    ap.add_argument("--versions", default=",".join(VERSIONS),
                    help="comma-separated Kubernetes minor versions (default: %(default)s)")
    ap.add_argument("--keep-annotations", action="store_true",
                    help="keep description / x-kubernetes-* annotations (bigger files)")
    ap.add_argument("--keep-oneof", action="store_true",
                    help="keep upstream oneOf for IntOrString/Quantity (rejects null)")
    ap.add_argument("--check", action="store_true",
                    help="do not write; exit 1 if any output file would change")
    args = ap.parse_args(argv)
    versions = [v.strip().lstrip("v") for v in args.versions.split(",") if v.strip()]

    with tempfile.TemporaryDirectory(prefix="hfgen-k8s-schemas-") as tmp:
        if args.source is None:
            wheel = download_wheel(Path(tmp))
            digest = sha256(wheel)
            if digest != WHEEL_SHA256:
                raise VendorError(f"{wheel.name}: sha256 {digest} != pinned {WHEEL_SHA256}")
            src = Source(wheel)
        else:
            src = Source(args.source)
            if args.source.is_file():
                digest = sha256(args.source)
                if digest != WHEEL_SHA256:
                    print(f"warning: {args.source.name} sha256 {digest} differs from the pinned "
                          f"{PACKAGE} {PACKAGE_VERSION} wheel", file=sys.stderr)
        pkg_version = src.package_version() or "unknown"
        if pkg_version != PACKAGE_VERSION:
            print(f"warning: source is {PACKAGE} {pkg_version}, script is pinned to {PACKAGE_VERSION}",
                  file=sys.stderr)
        source_desc = {"package": PACKAGE, "version": pkg_version, "license": "Apache-2.0"}

        stale = []
        outputs = [(build_version, args.out), (build_every_kind, args.out / EVERY_KIND_FOLDER)]
        for (build, folder), version in ((o, v) for o in outputs for v in versions):
            tr = Transformer(args.keep_annotations, args.keep_oneof)
            doc, st = build(src, version, tr, source_desc)
            data = render(doc)
            out = folder / f"v{version}.json"
            old = out.read_bytes() if out.exists() else None
            changed = old != data
            if args.check:
                state = "stale" if changed else "up to date"
                if changed:
                    stale.append(out)
            elif changed:
                folder.mkdir(parents=True, exist_ok=True)
                tmp_out = out.with_suffix(".json.tmp")
                tmp_out.write_bytes(data)
                os.replace(tmp_out, out)
                state = "written"
            else:
                state = "unchanged"
            print(f"v{version}: {st['kinds']} kinds, {st['defs']} of {st['upstream_defs']} defs, "
                  f"{tr.simplified_oneof} oneOf->type, {len(data)} bytes, "
                  f"sha256 {hashlib.sha256(data).hexdigest()[:16]}  {out} ({state})")
        if stale:
            print(f"{len(stale)} file(s) out of date; run python3 scripts/vendor-k8s-schemas.py", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except VendorError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)
