#!/usr/bin/env python3
"""active.py OUTDIR SPAM_DIR [--seeds N] [--rounds R] [--batch B] [--orders a,b,c] [--spread W]

The active-learning loop of bench/active.sh, simulated on the SpamAssassin
corpus converted by bench/spam-convert.mjs into SPAM_DIR: its train.jsonl
and test.jsonl with the 3-way labels (label3: easy_ham, hard_ham, spam),
copied into OUTDIR with label3 as "label".
Each seed starts from the same BATCH labeled training records (seeded,
with at least one of each class, so the first model knows every label) for
every order; the other training labels are hidden. Each round trains
`tunetop train` on the labeled records (headless, one thread, fixed
hyperparameters), scores macro-F1 on TEST (`tunetop eval --json`), and
labels BATCH more records chosen by the order:

  random     a seeded shuffle of the unlabeled pool
  margin     `tunetop queue POOL --order margin --model M`: smallest margin first
             (pure uncertainty)
  uncertain  `tunetop queue POOL --order uncertain --model M`: the same margin,
             spread so no near-duplicate group appears twice in 32 picks
             (--spread W: in W picks)

Prints one line per (order, seed, round) as it goes and, at the end, a
table of mean macro-F1 per round and the labels each order needs to reach
random's final macro-F1. Standard library only; TUNETOP names the binary.
"""
import json
import os
import random
import subprocess
import sys

TUNETOP = os.environ.get("TUNETOP", "build/tunetop")
TRAIN_SET = ["--set", "threads=1", "--set", "buckets=200000", "--set", "epochs=25"]


def load(path, field="label"):
    with open(path, encoding="utf-8") as f:
        recs = [json.loads(line) for line in f]
    for r in recs:
        r["label"] = r[field]
    return recs


def write(path, recs, with_labels=True):
    with open(path, "w", encoding="utf-8") as f:
        for r in recs:
            o = {"id": r["id"], "text": r["text"]}
            if with_labels:
                o["label"] = r["label"]
            f.write(json.dumps(o) + "\n")


def run(args):
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        sys.exit("active.py: %s failed: %s" % (" ".join(args[:3]), p.stderr.strip()[-500:]))
    return p.stdout


def first_batch(train, batch, seed):
    rng = random.Random(seed)
    order = list(range(len(train)))
    rng.shuffle(order)
    chosen, seen = [], set()
    for i in order:  # one of each class first
        if train[i]["label"] not in seen:
            seen.add(train[i]["label"])
            chosen.append(i)
    for i in order:
        if len(chosen) >= batch:
            break
        if i not in chosen:
            chosen.append(i)
    return chosen


def loop(out, train, test_path, order, seed, rounds, batch, spread):
    work = os.path.join(out, "%s-%d" % (order, seed))
    os.makedirs(work, exist_ok=True)
    labeled = first_batch(train, batch, seed)
    rng = random.Random(1000 + seed)
    shuffled = list(range(len(train)))
    rng.shuffle(shuffled)
    f1s = []
    for rnd in range(rounds + 1):
        lab_path = os.path.join(work, "labeled.jsonl")
        write(lab_path, [train[i] for i in labeled])
        model_dir = os.path.join(work, "model")
        run([TUNETOP, "train", "--data", lab_path, "--valid", "none", "--out", model_dir,
             "--set", "seed=%d" % seed] + TRAIN_SET)
        model = os.path.join(model_dir, "model.safetensors")
        ev = json.loads(run([TUNETOP, "eval", model, test_path, "--json"]))
        f1s.append(ev["macro_f1"])
        print("%-9s seed %d round %2d labels %4d macro-F1 %.4f" %
              (order, seed, rnd, len(labeled), ev["macro_f1"]), flush=True)
        if rnd == rounds:
            break
        taken = set(labeled)
        pool = [i for i in range(len(train)) if i not in taken]
        if order == "random":
            picks = [i for i in shuffled if i not in taken][:batch]
        else:
            pool_path = os.path.join(work, "pool.jsonl")
            write(pool_path, [train[i] for i in pool], with_labels=False)
            q = json.loads(run([TUNETOP, "queue", pool_path, "--order", order, "--model", model,
                                "--limit", str(batch), "--spread", spread, "--json"]))
            picks = [pool[e["index"]] for e in q["queue"]]
        labeled += picks
    return f1s


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    out, spam = args[:2]
    opts = {"--seeds": "3", "--rounds": "10", "--batch": "30",
            "--orders": "random,margin,uncertain", "--spread": "32"}
    rest = args[2:]
    for k in range(0, len(rest) - 1, 2):
        opts[rest[k]] = rest[k + 1]
    seeds, rounds, batch = int(opts["--seeds"]), int(opts["--rounds"]), int(opts["--batch"])
    orders = opts["--orders"].split(",")
    os.makedirs(out, exist_ok=True)
    train = load(os.path.join(spam, "train.jsonl"), "label3")
    test = load(os.path.join(spam, "test.jsonl"), "label3")
    test_path = os.path.join(out, "test3.jsonl")
    write(test_path, test)
    res = {}
    for seed in range(1, seeds + 1):
        for order in orders:
            res[(order, seed)] = loop(out, train, test_path, order, seed, rounds, batch,
                                      opts["--spread"])
    mean = {o: [sum(res[(o, s)][r] for s in range(1, seeds + 1)) / seeds
                for r in range(rounds + 1)] for o in orders}
    print()
    print("mean macro-F1 over %d seeds (test split, %d records)" % (seeds, len(test)))
    print("| labels | " + " | ".join(orders) + " |")
    print("|---:|" + "---:|" * len(orders))
    for r in range(rounds + 1):
        print("| %d | " % (batch * (r + 1)) + " | ".join("%.4f" % mean[o][r] for o in orders) + " |")
    if "random" in mean:
        goal = mean["random"][rounds]
        total = batch * (rounds + 1)
        for o in orders:
            need = next((batch * (r + 1) for r in range(rounds + 1) if mean[o][r] >= goal), None)
            if need is None:
                print("%s: does not reach random's final macro-F1 %.4f in %d labels" % (o, goal, total))
            else:
                print("%s: reaches random's final macro-F1 %.4f with %d labels (%.0f%% of %d)" %
                      (o, goal, need, 100.0 * need / total, total))


if __name__ == "__main__":
    main()
