#!/usr/bin/env python3
"""distill.py OUTDIR SPAMDIR LM [--labels N] [--seed S] [--teacher-only]
distill.py --demo OUTDIR [--seed S]

Distillation (issue 13, section 2) on SpamAssassin 3-way (easy_ham, hard_ham,
spam; SPAMDIR holds bench/spam-convert.mjs's output), LM a GPT language model
pre-trained on the train texts without labels (bench/pretrain-helps.sh):

1. draw --labels labeled records from the train split (one of each class
   first, then at random with --seed); every other train record is kept
   without its label (unlabeled);
2. teacher: the GPT fine-tuned from LM on those labeled records alone
   (modest: 15 epochs, batch 8, context 128; --valid none);
3. `tunetop distill --teacher TEACHER --data labeled+unlabeled --test test
   --baseline`: the teacher labels every train record (labeled and
   unlabeled) with its probabilities, the n-gram student (preset ngram-small)
   trains on them (temperature 2, alpha 0.5), and the baseline is the same
   n-gram trained on the labeled records' hard labels alone. Test accuracy,
   macro-F1 and prediction time per text of each, from distill's JSON.

Prints the figures and a markdown table; writes OUTDIR/distill.json.

--demo: the same on the demo (sessions/demo/tickets.jsonl, 8 classes, 694
labeled and 122 unlabeled tickets): the labeled ones split 80/20 (seeded,
per class), the teacher the demo's pre-trained tiny GPT
(sessions/demo/gpt-tiny) fine-tuned on the 80%, the student the n-gram on
those and the 122 unlabeled with the teacher's probabilities, the baseline
the n-gram on the 80% alone; scored on the 20%.
"""
import json
import os
import random
import subprocess
import sys
import time

TUNETOP = os.environ.get("TUNETOP", "build/tunetop")
NICE = ["nice", "-n", "10"]
FINETUNE = ["--set", "lr=0.0003", "--set", "warmup=20", "--set", "epochs=15",
            "--set", "batch_size=8", "--set", "dropout=0.1", "--set", "weight_decay=0.01",
            "--set", "pooling=mean", "--set", "threads=2", "--set", "eval_every=0",
            "--set", "context=128"]
# The demo session's settings (sessions/demo.yaml): its gpt preset for the
# teacher (10 epochs instead of 5), its n-gram options with 50 epochs.
DEMO_TEACHER = ["--set", "lr=0.0005", "--set", "schedule=cosine", "--set", "warmup=20",
                "--set", "epochs=10", "--set", "batch_size=8", "--set", "threads=2",
                "--set", "eval_every=0"]
DEMO_STUDENT = ["--set", "dim=50", "--set", "buckets=200000", "--set", "epochs=50",
                "--set", "lr=0.5"]


def load(path):
    recs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            recs.append({"id": r["id"], "text": r["text"], "label": r["label3"]})
    return recs


def write(path, recs, labeled=None):
    """labeled: None = every record with its label, else the set of ids that keep it."""
    with open(path, "w", encoding="utf-8") as f:
        for r in recs:
            o = {"id": r["id"], "text": r["text"]}
            if labeled is None or r["id"] in labeled:
                o["label"] = r["label"]
            f.write(json.dumps(o) + "\n")


def loadavg():
    return open("/proc/loadavg").read().split()[0]


def run(args):
    t = time.time()
    p = subprocess.run(NICE + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit("distill.py: %s failed: %s" % (" ".join(args[:4]), p.stderr.strip()[-800:]))
    return p.stdout, time.time() - t


def sample(train, n, seed):
    rng = random.Random(seed)
    order = list(range(len(train)))
    rng.shuffle(order)
    chosen, seen = [], set()
    for i in order:  # one of each class first
        if train[i]["label"] not in seen:
            seen.add(train[i]["label"])
            chosen.append(i)
    for i in order:
        if len(chosen) >= n:
            break
        if i not in chosen:
            chosen.append(i)
    return [train[i] for i in chosen]


def teacher(out, lm, lab_path, seed):
    model = os.path.join(out, "teacher", "model.safetensors")
    if os.path.exists(model):
        print("teacher: %s (remove it to fine-tune again)" % model, flush=True)
        return model
    print("teacher: fine-tuning %s on %s (load %s)" % (lm, lab_path, loadavg()), flush=True)
    _, secs = run([TUNETOP, "train", "--model", "gpt", "--init", lm, "--data", lab_path,
                   "--valid", "none", "--out", os.path.join(out, "teacher"),
                   "--set", "seed=%d" % seed, "--json"] + FINETUNE)
    print("teacher: fine-tuned in %.0f s wall (load %s)" % (secs, loadavg()), flush=True)
    return model


def table(d, title):
    print()
    print("| %s | accuracy | macro-F1 | µs per text | texts/s |" % title)
    print("|---|---:|---:|---:|---:|")
    names = [("teacher", "teacher: GPT, pre-trained, fine-tuned on the labeled"),
             ("student", "student: n-gram on the teacher's soft labels (T %g, alpha %g)"
              % (d["temperature"], d["alpha"])),
             ("baseline", "baseline: n-gram on the hard labels alone")]
    for key, name in names:
        r = d[key]
        print("| %s | %.4f | %.4f | %.0f | %.0f |" % (name, r["accuracy"], r["macro_f1"],
                                                     r["us_per_text"], 1e6 / r["us_per_text"]))
    print("student / teacher speed: %.1fx" % (d["teacher"]["us_per_text"] /
                                              d["student"]["us_per_text"]))


def demo(out, seed):
    """The demo: tickets split 80/20 by class (labeled), unlabeled kept for the student."""
    os.makedirs(out, exist_ok=True)
    recs = [json.loads(l) for l in open("sessions/demo/tickets.jsonl", encoding="utf-8")]
    rng = random.Random(seed)
    bycls = {}
    for r in recs:
        if r.get("label") is not None:
            bycls.setdefault(r["label"], []).append(r)
    train, test = [], []
    for c in sorted(bycls):
        rs = bycls[c]
        rng.shuffle(rs)
        k = len(rs) // 5
        test += rs[:k]
        train += rs[k:]
    unl = [r for r in recs if r.get("label") is None]
    paths = {}
    for name, rs in (("train", train), ("test", test), ("mixed", train + unl)):
        paths[name] = os.path.join(out, name + ".jsonl")
        with open(paths[name], "w", encoding="utf-8") as f:
            for r in rs:
                o = {"text": r["text"]}
                if r.get("label") is not None:
                    o["label"] = r["label"]
                f.write(json.dumps(o) + "\n")
    print("demo: %d labeled train, %d unlabeled, %d test" % (len(train), len(unl), len(test)),
          flush=True)
    tmodel = os.path.join(out, "teacher", "model.safetensors")
    if not os.path.exists(tmodel):
        print("demo teacher: fine-tuning sessions/demo/gpt-tiny (load %s)" % loadavg(), flush=True)
        _, secs = run([TUNETOP, "train", "--model", "gpt", "--init",
                       "sessions/demo/gpt-tiny/model.safetensors", "--data", paths["train"],
                       "--valid", "none", "--out", os.path.join(out, "teacher"),
                       "--set", "seed=%d" % seed, "--json"] + DEMO_TEACHER)
        print("demo teacher: fine-tuned in %.0f s wall (load %s)" % (secs, loadavg()), flush=True)
    stdout, secs = run([TUNETOP, "distill", "--teacher", tmodel, "--data", paths["mixed"],
                        "--valid", "none", "--test", paths["test"], "--baseline",
                        "--set", "seed=%d" % seed, "--set", "threads=2"] + DEMO_STUDENT +
                       ["--out", os.path.join(out, "student"), "--json"])
    d = json.loads(stdout.strip().splitlines()[-1])
    d["wall_seconds"] = secs
    d["load_after"] = loadavg()
    with open(os.path.join(out, "distill.json"), "w") as f:
        f.write(json.dumps(d) + "\n")
    print("demo distill: %.0f s wall (load %s)" % (secs, loadavg()), flush=True)
    table(d, "demo: %d labeled + %d unlabeled, test %d" % (len(train), len(unl), len(test)))


def main():
    args = sys.argv[1:]
    if args[:1] == ["--demo"] and len(args) >= 2:
        seed = int(args[3]) if len(args) >= 4 and args[2] == "--seed" else 1
        demo(args[1], seed)
        return
    if len(args) < 3:
        sys.exit(__doc__)
    out, spam, lm = args[:3]
    opts = {"--labels": "200", "--seed": "1"}
    teacher_only = False
    rest = args[3:]
    k = 0
    while k < len(rest):
        if rest[k] == "--teacher-only":
            teacher_only = True
            k += 1
            continue
        if rest[k] not in opts or k + 1 >= len(rest):
            sys.exit("distill.py: unknown option %s" % rest[k])
        opts[rest[k]] = rest[k + 1]
        k += 2
    nlab, seed = int(opts["--labels"]), int(opts["--seed"])
    os.makedirs(out, exist_ok=True)
    train = load(os.path.join(spam, "train.jsonl"))
    test_path = os.path.join(out, "test.jsonl")
    write(test_path, load(os.path.join(spam, "test.jsonl")))
    lab = sample(train, nlab, seed)
    lab_path = os.path.join(out, "labeled.jsonl")
    write(lab_path, lab)
    ids = set(r["id"] for r in lab)
    mixed_path = os.path.join(out, "train-mixed.jsonl")
    write(mixed_path, train, labeled=ids)
    counts = {}
    for r in lab:
        counts[r["label"]] = counts.get(r["label"], 0) + 1
    print("labeled: %d records %s; unlabeled: %d" % (len(lab), counts, len(train) - len(lab)),
          flush=True)
    tmodel = teacher(out, lm, lab_path, seed)
    if teacher_only:
        return
    print("distill: teacher pass over %d train records, student and baseline (load %s)" %
          (len(train), loadavg()), flush=True)
    stdout, secs = run([TUNETOP, "distill", "--teacher", tmodel, "--data", mixed_path,
                        "--valid", "none", "--test", test_path, "--baseline",
                        "--preset", "ngram-small", "--set", "seed=%d" % seed,
                        "--set", "threads=2",
                        "--out", os.path.join(out, "student"), "--json"])
    d = json.loads(stdout.strip().splitlines()[-1])
    d["wall_seconds"] = secs
    d["load_after"] = loadavg()
    with open(os.path.join(out, "distill.json"), "w") as f:
        f.write(json.dumps(d) + "\n")
    print("distill: %.0f s wall (teacher pass %.0f s, %d of %d probabilities from the cache; "
          "load %s)" % (secs, d["teacher_pass"]["seconds"], d["teacher_pass"]["cached"],
                        d["teacher_pass"]["records"], loadavg()), flush=True)
    table(d, "SpamAssassin 3-way: %d labels + %d unlabeled, test %d"
          % (len(lab), len(train) - len(lab), sum(1 for _ in open(test_path))))


main()
