"""env-line on Kubernetes manifests: env entries in every workload container, nothing else
changed (the YAML parses to the same documents plus the entries), refusals."""

from __future__ import annotations

import copy

import pytest
import yaml

from efficiency.remediate.codemods import CodemodResult, codemod

ENV = codemod("env-line")

MANIFEST = """\
# api and its nightly job
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2  # two
  template:
    spec:
      containers:
        - name: app
          image: app:1  # pinned
          env:
            - name: LANG
              value: C.UTF-8
        - name: sidecar
          image: side:2
          args: ["--quiet"]
          command: |
            run
            this
      # volumes later
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  ports: [{port: 80}]
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: job
            image: job:3
            resources:
              limits: {cpu: "1"}
          restartPolicy: Never
"""

EXPECTED = """\
# api and its nightly job
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 2  # two
  template:
    spec:
      containers:
        - name: app
          image: app:1  # pinned
          env:
            - name: LANG
              value: C.UTF-8
            - name: MALLOC_ARENA_MAX
              value: "2"
        - name: sidecar
          image: side:2
          args: ["--quiet"]
          command: |
            run
            this
          env:
            - name: MALLOC_ARENA_MAX
              value: "2"
      # volumes later
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  ports: [{port: 80}]
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: job
            image: job:3
            resources:
              limits: {cpu: "1"}
            env:
            - name: MALLOC_ARENA_MAX
              value: "2"
          restartPolicy: Never
"""


def add(source: str, env: dict[str, str]) -> CodemodResult:
    return ENV.apply(source, params={"env": env, "path": "k8s/api.yaml"})


def test_every_workload_container_gets_the_entry_in_the_files_style() -> None:
    result = add(MANIFEST, {"MALLOC_ARENA_MAX": "2"})
    assert result.source == EXPECTED
    assert result.sites == 3
    assert "Deployment/api container sidecar" in result.summary
    assert "CronJob/nightly container job" in result.summary


def test_the_documents_are_the_same_plus_the_entries() -> None:
    env = {"MALLOC_ARENA_MAX": "2", "LD_PRELOAD": "/usr/lib/libjemalloc.so.2"}
    before = list(yaml.safe_load_all(MANIFEST))
    after = list(yaml.safe_load_all(add(MANIFEST, env).source))
    expected = copy.deepcopy(before)
    entries = [{"name": k, "value": v} for k, v in env.items()]
    deployment = expected[0]["spec"]["template"]["spec"]["containers"]
    deployment[0]["env"] += entries
    deployment[1]["env"] = entries
    expected[2]["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["env"] = entries
    assert after == expected
    assert all(isinstance(e["value"], str) for e in entries)


@pytest.mark.parametrize("kind", ["StatefulSet", "DaemonSet", "Job"])
def test_other_workload_kinds(kind: str) -> None:
    source = (
        f"kind: {kind}\nmetadata:\n  name: w\nspec:\n  template:\n    spec:\n      containers:\n"
        "      - name: c\n        image: i\n"
    )
    result = add(source, {"A": "1"})
    assert result.source == source + '        env:\n        - name: A\n          value: "1"\n'


def test_same_value_already_set_is_nothing_to_do() -> None:
    done = add(MANIFEST, {"MALLOC_ARENA_MAX": "2"}).source
    again = add(done, {"MALLOC_ARENA_MAX": "2"})
    assert again.source == done and not again.changed


def test_crlf_line_ends_are_kept() -> None:
    source = "kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n"
    source = source.replace("\n", "\r\n")
    result = add(source, {"A": "1"})
    assert result.source == source + '    env:\r\n    - name: A\r\n      value: "1"\r\n'


REFUSED = {
    "different value": MANIFEST.replace(
        "LANG\n              value: C.UTF-8", "MALLOC_ARENA_MAX\n              value: '8'"
    ),
    "valueFrom": MANIFEST.replace(
        "LANG\n              value: C.UTF-8",
        "MALLOC_ARENA_MAX\n              valueFrom:\n"
        "                configMapKeyRef: {name: m, key: k}",
    ),
    "flow container": "kind: Pod\nspec:\n  containers:\n  - {name: c, image: i}\n",
    "flow env": "kind: Pod\nspec:\n  containers:\n  - name: c\n    env: []\n",
    "flow containers": "kind: Pod\nspec:\n  containers: [{name: c}]\n",
    "template": "kind: Deployment\nspec:\n  replicas: {{ .Values.replicas }}\n  x: [\n",
    "no workloads": "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n",
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_leave_the_text_byte_identical(case: str) -> None:
    result = add(REFUSED[case], {"MALLOC_ARENA_MAX": "2"})
    assert result.source == REFUSED[case]
    assert not result.changed and result.sites == 0


def test_a_conflict_is_named_and_nothing_else_is_edited() -> None:
    result = add(REFUSED["different value"], {"MALLOC_ARENA_MAX": "2"})
    assert "MALLOC_ARENA_MAX is already '8' in Deployment/api container app" in result.summary
