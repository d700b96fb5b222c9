#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The scale-out examples (docs/examples/) are valid YAML with what their engines
need: the GitHub Actions workflow runs one shard per matrix entry and merges them,
the Kubernetes manifest is an Indexed Job whose pods know the number of shards.
usage: check_scale_out_examples.py SOURCE_ROOT"""
import os
import sys

import yaml


def need(cond, what):
    if not cond:
        sys.exit("not ok: " + what)


def runs(job):
    return "\n".join(s.get("run", "") for s in job["steps"])


def check_workflow(path):
    with open(path) as f:
        wf = yaml.safe_load(f)
    need(isinstance(wf, dict), "workflow: not a mapping")
    # YAML 1.1 reads the key 'on' as true
    need("on" in wf or True in wf, "workflow: no 'on' trigger")
    jobs = wf.get("jobs")
    need(isinstance(jobs, dict) and jobs, "workflow: no jobs")
    for name, job in jobs.items():
        need("runs-on" in job, f"job {name}: no runs-on")
        need(isinstance(job.get("steps"), list) and job["steps"], f"job {name}: no steps")
        for step in job["steps"]:
            need(("uses" in step) != ("run" in step), f"job {name}: a step needs uses or run")
    shards = int(wf["env"]["SHARDS"])
    shard = jobs["shard"]
    matrix = shard["strategy"]["matrix"]["shard"]
    need(matrix == list(range(1, shards + 1)), f"matrix {matrix} is not 1..SHARDS={shards}")
    need("--partition ${{ matrix.shard }}/$SHARDS" in runs(shard), "shard job: no --partition")
    uploads = [s for s in shard["steps"] if s.get("uses", "").startswith("actions/upload-artifact")]
    need(uploads and "${{ matrix.shard }}" in uploads[0]["with"]["name"],
         "shard job: no upload per shard")
    merge = jobs["merge"]
    need(merge.get("needs") in ("shard", ["shard"]), "merge job: does not need the shards")
    need(merge.get("if") == "always()", "merge job: must run when a shard failed")
    downloads = [s for s in merge["steps"]
                 if s.get("uses", "").startswith("actions/download-artifact")]
    need(downloads and downloads[0]["with"]["pattern"] == "ktstr-shard-*",
         "merge job: no download of the shards")
    need("ktstr stats merge" in runs(merge), "merge job: no ktstr stats merge")
    print(f"ok: {path}: {shards} shards and a merge job")


def check_job(path):
    with open(path) as f:
        job = yaml.safe_load(f)
    need(job.get("apiVersion") == "batch/v1" and job.get("kind") == "Job", "not a batch/v1 Job")
    need("name" in job.get("metadata", {}), "Job: no metadata.name")
    spec = job["spec"]
    need(spec.get("completionMode") == "Indexed", "Job: not Indexed")
    completions = spec.get("completions")
    need(isinstance(completions, int) and completions > 0, "Job: no completions")
    pod = spec["template"]["spec"]
    need(pod.get("restartPolicy") in ("Never", "OnFailure"), "pod: restartPolicy")
    containers = pod.get("containers")
    need(isinstance(containers, list) and len(containers) == 1, "pod: one container")
    c = containers[0]
    need(c.get("name") and c.get("image"), "container: name and image")
    argv = c.get("command", []) + c.get("args", [])
    need("run" in argv, "container: no ktstr run")
    need("--partition" not in argv, "container: --partition would override the pod's index")
    env = {e["name"]: e.get("value") for e in c.get("env", [])}
    need(env.get("KTSTR_PARTITION_COUNT") == str(completions),
         "KTSTR_PARTITION_COUNT is not the Job's completions")
    mounts = {m["name"]: m["mountPath"] for m in c.get("volumeMounts", [])}
    need(env.get("KTSTR_RUNS_DIR") in mounts.values(), "KTSTR_RUNS_DIR is not a mounted volume")
    volumes = {v["name"] for v in pod.get("volumes", [])}
    need(set(mounts) <= volumes, "a volumeMount without its volume")
    print(f"ok: {path}: Indexed Job of {completions} shards")


root = sys.argv[1]
check_workflow(os.path.join(root, "docs/examples/github-actions-shards.yml"))
check_job(os.path.join(root, "docs/examples/k8s-indexed-job.yaml"))
