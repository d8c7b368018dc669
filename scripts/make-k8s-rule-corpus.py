#!/usr/bin/env python3
"""Writes tests/validate/kubernetes-corpus/: cases from Kubernetes' own validation tests, each
value put into the object field whose rule the tested function is, with the verdict the test
expects. tests/validate.rs runs hfgen on every file and reports how often it agrees.

The value lists are transcribed from the test functions named beside them (the source file and
revision are written into each output file). A case that has no object to carry it is left out
and the reason given where the list is. Run from the repository root:

    python3 scripts/make-k8s-rule-corpus.py           # (re)write the corpus
    python3 scripts/make-k8s-rule-corpus.py --check   # exit 1 if it is stale
"""

import json
import sys
from pathlib import Path

OUT = Path("tests/validate/kubernetes-corpus")
APIMACHINERY = ("staging/src/k8s.io/apimachinery/pkg/util/validation/validation_test.go",
                "kubernetes/kubernetes@008b3652959ca58af8be3fb5b6ecfe9ae7638282")
CORE_OLD = ("pkg/api/validation/validation_test.go",
            "kubernetes/kubernetes (a 2016-era revision, the one the code corpus holds)")

a63, a64 = "a" * 63, "a" * 64

# --- apimachinery util/validation ------------------------------------------------------------

DNS1123_LABEL = (
    ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a", "1--a--b--2", a63],
    ["", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_", "_a",
     "a_b", "1_", "_1", "1_2", ".", "a.", ".a", "a.b", "1.", ".1", "1.2", " ", "a ", " a",
     "a b", "1 ", " 1", "1 2", a64],
)
DNS1123_SUBDOMAIN = (
    ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", "0", "01", "012", "1a", "1-a", "1--a--b--2",
     "a.a", "ab.a", "abc.a", "a1.a", "a-1.a", "a--1--2--b.a", "a.1", "ab.1", "abc.1", "a1.1",
     "a-1.1", "a--1--2--b.1", "0.a", "01.a", "012.a", "1a.a", "1-a.a", "1--a--b--2", "0.1",
     "01.1", "012.1", "1a.1", "1-a.1", "1--a--b--2.1", "a.b.c.d.e", "aa.bb.cc.dd.ee",
     "1.2.3.4.5", "11.22.33.44.55", "a" * 253],
    ["", "A", "ABC", "aBc", "A1", "A-1", "1-A", "-", "a-", "-a", "1-", "-1", "_", "a_", "_a",
     "a_b", "1_", "_1", "1_2", ".", "a.", ".a", "a..b", "1.", ".1", "1..2", " ", "a ", " a",
     "a b", "1 ", " 1", "1 2", "A.a", "aB.a", "ab.A", "A1.a", "a1.A", "A.1", "aB.1", "A1.1",
     "1A.1", "0.A", "01.A", "012.A", "1A.a", "1a.A", "A.B.C.D.E", "AA.BB.CC.DD.EE",
     "a.B.c.d.e", "aa.bB.cc.dd.ee", "a@b", "a,b", "a_b", "a;b", "a:b", "a%b", "a?b", "a$b",
     "a" * 254],
)
DNS1035_LABEL = (
    ["a", "ab", "abc", "a1", "a-1", "a--1--2--b", a63],
    ["0", "01", "012", "1a", "1-a", "1--a--b--2", "", "A", "ABC", "aBc", "A1", "A-1", "1-A",
     "-", "a-", "-a", "1-", "-1", "_", "a_", "_a", "a_b", "1_", "_1", "1_2", ".", "a.", ".a",
     "a.b", "1.", ".1", "1.2", " ", "a ", " a", "a b", "1 ", " 1", "1 2", a64],
)
PORT_NUM = ([1, 2, 1000, 16384, 32768, 65535], [0, -1, 65536, 100000])
# "" is left out: a container port without a name is valid (the name is optional).
PORT_NAME = (
    ["telnet", "re-mail-ck", "pop3", "a", "a-1", "1-a", "a-1-b-2-c", "1-a-2-b-3"],
    ["longerthan15characters", "a" * 16, "12345", "1-2-3-4", "-begin", "end-",
     "two--hyphens", "whois++"],
)
QUALIFIED_NAME = (
    ["simple", "now-with-dashes", "1-starts-with-num", "1234", "simple/simple",
     "now-with-dashes/simple", "now-with-dashes/now-with-dashes", "now.with.dots/simple",
     "now-with.dashes-and.dots/simple", "1-num.2-num/3-num", "1234/5678", "1.2.3.4/5678",
     "Uppercase_Is_OK_123", "example.com/Uppercase_Is_OK_123", "requests.storage-foo", a63,
     "a" * 253 + "/" + "b" * 63],
    ["nospecialchars%^=@", "cantendwithadash-", "-cantstartwithadash-", "only/one/slash",
     "Example.com/abc", "example_com/abc", "example.com/", "/simple", a64,
     "a" * 254 + "/abc"],
)
LABEL_VALUE = (
    ["simple", "now-with-dashes", "1-starts-with-num", "end-with-num-1", "1234", a63, ""],
    ["nospecialchars%^=@", "Tama-nui-te-rā.is.Māori.sun", "\\backslashes\\are\\bad",
     "-starts-with-dash", "ends-with-dash-", ".starts.with.dot", "ends.with.dot.", a64],
)
CONFIG_MAP_KEY = (
    ["a", "good", "good-good", "still.good", "this.is.also.good", ".so.is.this",
     "THIS_IS_GOOD", "so_is_this_17"],
    [".", "..", "..bad", "b*d", "bad!&bad"],
)
# "101%" is left out: a valid percent string, but a PodDisruptionBudget (the object that
# carries one) also refuses more than 100 %.
PERCENT = (
    ["0%", "00000%", "1%", "01%", "99%", "100%"],
    ["", "0", "100", "0.0%", "99.9%", "hundred", " 1%", "1% ", "-0%", "-1%", "+1%"],
)
WILDCARD_SUBDOMAIN = (
    ["*.example.com", "*.bar.com", "*.foo.bar.com"],
    ["*.*.bar.com", "*.foo.*.com", "*bar.com", "f*.bar.com", "*"],
)
RELAXED_ENV_VAR_NAME = (
    ["-", ":", "_", "+a", ">a", "<a", "a.", "a..", "*a", "%a", "?a", "a:a", "a_a", "aAz", "~a",
     "|a", "a0a", "a9", "/a", "a ", "#a", "0a", "0 a", "'a", "(a", "@a"],
    ["", "=", "a=", "1=a", "a=b", "#%=&&", "\u0001abc", "\u0082abc", "Ç ç", "Ä ä", "Ñ ñ",
     "Ø ø"],
)

# --- core validation (container ports, volume mounts, pull policy) ----------------------------

# TestValidatePorts: each case is a list of container ports. "protocol required" is left out:
# the v1 API defaults an absent protocol to TCP before validation.
CONTAINER_PORTS = (
    [[{"name": "abc", "containerPort": 80, "hostPort": 80, "protocol": "TCP"},
      {"name": "easy", "containerPort": 82, "protocol": "TCP"},
      {"name": "as", "containerPort": 83, "protocol": "UDP"},
      {"name": "do-re-me", "containerPort": 84, "protocol": "UDP"},
      {"containerPort": 85, "protocol": "TCP"}],
     [{"containerPort": 80, "protocol": "TCP"}]],
    [[{"name": "a" * 16, "containerPort": 80, "protocol": "TCP"}],
     [{"name": "a.b.c", "containerPort": 80, "protocol": "TCP"}],
     [{"name": "80", "containerPort": 80, "protocol": "TCP"}],
     [{"name": "abc", "containerPort": 80, "protocol": "TCP"},
      {"name": "abc", "containerPort": 81, "protocol": "TCP"}],
     [{"containerPort": 0, "protocol": "TCP"}],
     [{"containerPort": 65536, "protocol": "TCP"}],
     [{"containerPort": 80, "hostPort": 65536, "protocol": "TCP"}],
     [{"containerPort": 80, "protocol": "tcp"}],
     [{"containerPort": 80, "protocol": "ICMP"}]],
)
# TestValidateVolumeMounts, volumes abc, 123, abc-123. The subPath cases (absolute, with
# "..") are not covered by hfgen's rules and are left out (README lists them).
MOUNT_VOLUMES = ["abc", "123", "abc-123"]
VOLUME_MOUNTS = (
    [[{"name": "abc", "mountPath": "/foo"}, {"name": "123", "mountPath": "/bar"},
      {"name": "abc-123", "mountPath": "/baz"},
      {"name": "abc-123", "mountPath": "/baa", "subPath": ""},
      {"name": "abc-123", "mountPath": "/bab", "subPath": "baz"},
      {"name": "abc-123", "mountPath": "/bac", "subPath": ".baz"},
      {"name": "abc-123", "mountPath": "/bad", "subPath": "..baz"}]],
    [[{"name": "", "mountPath": "/foo"}],
     [{"name": "abc", "mountPath": ""}],
     [{"name": "foo", "mountPath": "/path/a"}, {"name": "bar", "mountPath": "/path/a"}]],
)
# TestValidatePullPolicy.
PULL_POLICIES = (["IfNotPresent", "Always", "Never"], [])


def meta(name, **more):
    return {"name": name, **more}


def pod_template(containers, volumes=None):
    spec = {"restartPolicy": "Never", "containers": containers}
    if volumes is not None:
        spec["volumes"] = [{"name": v, "emptyDir": {}} for v in volumes]
    return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta("case"),
            "spec": {"template": {"spec": spec}}}


def container(**fields):
    return {"name": "c", "image": "busybox", **fields}


CARRIERS = {
    "namespace name": lambda v: {"apiVersion": "v1", "kind": "Namespace", "metadata": meta(v)},
    "configmap name": lambda v: {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta(v)},
    "service name": lambda v: {"apiVersion": "v1", "kind": "Service", "metadata": meta(v),
                               "spec": {"ports": [{"port": 80}]}},
    "service port": lambda v: {"apiVersion": "v1", "kind": "Service", "metadata": meta("s"),
                               "spec": {"ports": [{"port": v}]}},
    "container port name": lambda v: pod_template(
        [container(ports=[{"name": v, "containerPort": 80}])]),
    "label key": lambda v: {"apiVersion": "v1", "kind": "ConfigMap",
                            "metadata": meta("c", labels={v: "x"})},
    "label value": lambda v: {"apiVersion": "v1", "kind": "ConfigMap",
                              "metadata": meta("c", labels={"k": v})},
    "configmap key": lambda v: {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta("c"),
                                "data": {v: "x"}},
    "disruption budget percent": lambda v: {
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": meta("p"),
        "spec": {"minAvailable": v, "selector": {"matchLabels": {"a": "b"}}}},
    "ingress host": lambda v: {
        "apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": meta("i"),
        "spec": {"rules": [{"host": v, "http": {"paths": [{"path": "/", "pathType": "Prefix",
                 "backend": {"service": {"name": "s", "port": {"number": 80}}}}]}}]}},
    "env var name": lambda v: pod_template([container(env=[{"name": v, "value": "x"}])]),
    "container ports": lambda v: pod_template([container(ports=v)]),
    "volume mounts": lambda v: pod_template([container(volumeMounts=v)], MOUNT_VOLUMES),
    "image pull policy": lambda v: pod_template([container(imagePullPolicy=v)]),
}

FILES = [
    ("dns1123-label", APIMACHINERY, "TestIsDNS1123Label", "namespace name", DNS1123_LABEL),
    ("dns1123-subdomain", APIMACHINERY, "TestIsDNS1123Subdomain", "configmap name",
     DNS1123_SUBDOMAIN),
    ("dns1035-label", APIMACHINERY, "TestIsDNS1035Label", "service name", DNS1035_LABEL),
    ("port-number", APIMACHINERY, "TestIsValidPortNum", "service port", PORT_NUM),
    ("port-name", APIMACHINERY, "TestIsValidPortName", "container port name", PORT_NAME),
    ("qualified-name", APIMACHINERY, "TestIsQualifiedName", "label key", QUALIFIED_NAME),
    ("label-value", APIMACHINERY, "TestIsValidLabelValue", "label value", LABEL_VALUE),
    ("configmap-key", APIMACHINERY, "TestIsConfigMapKey", "configmap key", CONFIG_MAP_KEY),
    ("percent", APIMACHINERY, "TestIsValidPercent", "disruption budget percent", PERCENT),
    ("wildcard-subdomain", APIMACHINERY, "TestIsWildcardDNS1123Subdomain", "ingress host",
     WILDCARD_SUBDOMAIN),
    ("relaxed-env-var-name", APIMACHINERY, "TestIsRelaxedEnvVarName", "env var name",
     RELAXED_ENV_VAR_NAME),
    ("container-ports", CORE_OLD, "TestValidatePorts", "container ports", CONTAINER_PORTS),
    ("volume-mounts", CORE_OLD, "TestValidateVolumeMounts", "volume mounts", VOLUME_MOUNTS),
    ("pull-policy", CORE_OLD, "TestValidatePullPolicy", "image pull policy", PULL_POLICIES),
]


def render(source, test, carrier, cases):
    (path, revision) = source
    lines = [
        f"# Cases of {test} in {path}",
        f"# ({revision}), each value carried by a {carrier}.",
        "# Written by scripts/make-k8s-rule-corpus.py; `# expect:` is the test's verdict.",
    ]
    valid, invalid = cases
    for verdict, values in (("valid", valid), ("invalid", invalid)):
        for value in values:
            lines.append("---")
            lines.append(f"# expect: {verdict} {json.dumps(value, ensure_ascii=True)}")
            lines.append(json.dumps(CARRIERS[carrier](value), ensure_ascii=True))
    return "\n".join(lines) + "\n"


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    OUT.mkdir(parents=True, exist_ok=True)
    for name, source, test, carrier, cases in FILES:
        path = OUT / f"{name}.yaml"
        text = render(source, test, carrier, cases)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(str(path))
        if not check:
            path.write_text(text, encoding="utf-8")
    if check and stale:
        print("stale: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
