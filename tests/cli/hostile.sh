# Data never drives the terminal: hostile strings (OSC 0/8/52, CSI 2J, C1
# CSI/OSC, BEL, BS, CR, DEL, tab, RLO and other bidi controls, zero-width,
# newline) as text, id, label, note, option and session value, through every
# command that prints. No control byte may reach stdout or stderr: the only
# one allowed is '\n' as our own line terminator (a tab is escaped as \t too),
# no C1 character (U+0080-U+009F), no bidi control (U+202A-U+202E,
# U+2066-U+2069, U+200E, U+200F, U+061C), no byte that is not UTF-8. Zero-width
# characters are not controls and pass. --json output stays valid JSON whose
# strings decode to the exact data. Files written by convert/save/export stay
# byte-exact.
. tests/lib.sh

PY=$(python3 -c 'import sys; print(sys.executable)')
"$PY" - "$TUNETOP" "$T" <<'PY'
import json, os, re, subprocess, sys

tt, T = sys.argv[1], sys.argv[2]
failed = False

def ok(name):
    print("ok - " + name)

def not_ok(name, *lines):
    global failed
    failed = True
    print("not ok - " + name)
    for l in lines:
        for x in str(l).splitlines() or [""]:
            print("#   " + x)

# The corpus, by name. Each is used as a text, an id, a label and a note.
H = {
    "osc0": "\x1b]0;pwned\x07",
    "osc8": "\x1b]8;;http://x.invalid/\x1b\\link\x1b]8;;\x1b\\",
    "osc52": "\x1b]52;c;cHduZWQ=\x07",
    "csi2j": "\x1b[2J\x1b[H",
    "c1csi": "\u009b31m",
    "c1osc": "\u009d0;t\u009c",
    "bel": "a\x07b",
    "bs": "ab\x08\x08",
    "cr": "x\ry",
    "del": "d\x7f",
    "tab": "t\tb",
    "rlo": "\u202egnp.exe",
    "isolate": "\u2066x\u2069",
    "lrm": "m\u200e\u200f",
    "zw": "z\u200bw",
    "nl": "one\ntwo",
}
# Labels: a few hostile names shared by the records.
LABELS = ["red\x1b[31m", "\u202eevil", "c1\u009b2J", "nl\nlabel", "bell\x07"]

BAD = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\x8e\x8f\xaa-\xae]|"
                 rb"\xe2\x81[\xa6-\xa9]|\xd8\x9c")

def leak(b):
    """None if b is safe for a terminal, else a description of the first unsafe byte."""
    try:
        b.decode("utf-8")
    except UnicodeDecodeError as e:
        return "not UTF-8 at byte %d: %r" % (e.start, b[max(0, e.start - 20):e.start + 20])
    m = BAD.search(b)
    if m:
        return "control %r at byte %d: %r" % (m.group(0), m.start(), b[max(0, m.start() - 30):m.start() + 30])
    return None

def run(args, stdin=None):
    p = subprocess.run([tt] + args, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       cwd=T, timeout=600)
    return p

def safe(name, p, want_rc=None):
    """Asserts nothing unsafe on stdout and stderr (and the status if given)."""
    bad = []
    for what, b in (("stdout", p.stdout), ("stderr", p.stderr)):
        why = leak(b)
        if why:
            bad.append(what + ": " + why)
    if want_rc is not None and p.returncode != want_rc:
        bad.append("status %d, want %d" % (p.returncode, want_rc))
    if bad:
        not_ok(name + ": nothing raw reaches the terminal", *(bad + ["stderr: %r" % p.stderr[:300]]))
    else:
        ok(name + ": nothing raw reaches the terminal")
    return p

def expect(name, cond, *why):
    if cond:
        ok(name)
    else:
        not_ok(name, *why)

# The data: every corpus string as an id, inside a text, as a note; labels
# hostile too. Three copies so each label has records in every split.
recs = []
for rep in range(3):
    for i, (k, v) in enumerate(sorted(H.items())):
        recs.append({"id": "%s%d%s" % (k, rep, v), "text": "%s words %s here %d" % (k, v, rep),
                     "label": LABELS[(i + rep) % len(LABELS)], "note": "note " + v,
                     "split": ["train", "train", "valid", "test"][(i + rep) % 4]})
data = os.path.join(T, "hostile.jsonl")
with open(data, "w", encoding="utf-8") as f:
    for r in recs:
        # ensure_ascii=False: C1 and bidi characters raw in the file, as they come.
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
orig = open(data, "rb").read()

# check, plain and --json
p = safe("check", run(["check", data]), 0)
expect("check lists the labels, escaped", b"red\\x1b[31m" in p.stdout and b"nl\\nlabel " in p.stdout and
       b"\\u202eevil" in p.stdout and b"c1\\u009b2J" in p.stdout, p.stdout[-600:])
p = safe("check --json", run(["check", "--json", data]), 0)
try:
    d = json.loads(p.stdout)
    expect("check --json keeps the exact label names", sorted(d["labels"]) == sorted(LABELS), sorted(d["labels"]))
except ValueError as e:
    not_ok("check --json keeps the exact label names", e, p.stdout[:300])

# A JSON error that quotes the input: a raw ESC and a C1 in a broken line.
bad = os.path.join(T, "bad.jsonl")
with open(bad, "wb") as f:
    f.write(b'{"text": "fine"}\n{"text": "x\x1b[2J\xc2\x9b31m" oops \x1b]0;t\x07}\n')
p = safe("JSON error quoting the input", run(["check", bad]), 1)
expect("JSON error still names line 2", b"bad.jsonl:2:" in p.stderr, p.stderr)
p = safe("JSON error, --json", run(["check", "--json", bad]), 1)
with open(os.path.join(T, "bad2.jsonl"), "wb") as f:
    f.write(b'{"text": "fine"}\n{"text": "raw \x1b[2J control"}\n')
safe("raw control inside a JSON string", run(["check", os.path.join(T, "bad2.jsonl")]), 1)
safe("skip-bad lists hostile lines", run(["check", "--skip-bad", bad]), 0)

# A data path with an escape in it (the file does not exist).
p = safe("missing data path", run(["check", os.path.join(T, "x\x1b[2Jy\nz.jsonl")]), 1)
expect("missing data path is one line", p.stderr.count(b"\n") == 1, p.stderr)

# convert: data files are data, byte-exact
p = safe("convert", run(["convert", data, os.path.join(T, "same.jsonl")]), 0)
expect("convert jsonl->jsonl is byte-exact", open(os.path.join(T, "same.jsonl"), "rb").read() == orig)
safe("convert to csv", run(["convert", data, os.path.join(T, "h.csv")]), 0)
safe("convert csv to csv", run(["convert", os.path.join(T, "h.csv"), os.path.join(T, "h2.csv")]), 0)
expect("convert csv->csv is byte-exact",
       open(os.path.join(T, "h.csv"), "rb").read() == open(os.path.join(T, "h2.csv"), "rb").read())
p = safe("convert to an unknown extension", run(["convert", data, os.path.join(T, "out\x1b[2J\n.xyz")]), 2)
expect("convert's refusal is one line", p.stderr.count(b"\n") == 1, p.stderr)
safe("convert to fasttext", run(["convert", data, os.path.join(T, "h.ft")]), 0)

# Headless edits: ids with every corpus string; each ack is one line.
def q(s):
    """s as one double-quoted command word (cmd_split_words: \\n, \\t, \\r, \\", \\\\)."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") \
        .replace("\t", "\\t").replace("\r", "\\r") + '"'

ids = [r["id"] for r in recs[:len(H)]]
cmds = []
for i, rid in enumerate(ids):
    cmds.append("label %s %s" % (q(rid), q(LABELS[i % len(LABELS)])))
    cmds.append("note %s %s" % (q(rid), q("n " + H[sorted(H)[i]])))
p = safe("label and note acks", run(["--headless", data, "-e", "; ".join(cmds)]), 0)
lines = p.stdout.decode("utf-8", "replace").split("\n")
acks = [l for l in lines if re.match(r"^ok \d+ ", l)]
expect("every edit acked on one line (ok SEQ ID)", len(acks) == 2 * len(ids) and
       all(re.match(r"^ok \d+ \S", l) for l in acks), p.stdout[:800])
expect("the id in the ack is escaped visibly", any(l.endswith("osc00\\x1b]0;pwned\\x07") for l in acks),
       acks[:4])
expect("edits do not change the data file before a save", open(data, "rb").read() == orig)

p = safe("a new hostile label through label",
         run(["--headless", data, "-e", "label %s %s" % (q(ids[0]), q("new\x1b[5mlabel\nx"))]), 0)
p = safe("flag, unsure, delete, undo, redo",
         run(["--headless", data, "-e", "flag %s; unsure %s; delete %s; undo; redo; undelete %s" %
              (q(ids[1]), q(ids[2]), q(ids[3]), q(ids[3]))]), 0)
p = safe("edit-text", run(["--headless", data, "-e", "edit-text %s %s" % (q(ids[4]), q("new \x1b[2J text\n"))]), 0)
for cmd in ("journal all", "labels", "stats", "check", "check --json", "show", "show text_field",
            "relabel all %s --yes" % q(LABELS[0]), "flag-where %s --yes" % q("text~/a/"), "journal 5"):
    safe("headless " + cmd, run(["--headless", data, "-e", cmd]), 0)
safe("relabel preview without --yes",
     run(["--headless", data, "-e", "relabel %s %s" % (q("label=" + LABELS[1]), q(LABELS[2]))]))

# Errors that quote a hostile argument or value.
for cmd in ("label %s x" % q("no\x1b[2Jsuch\nid"), "note %s y" % q("ghost\u009b1m"),
            "set text_field %s; load %s" % (q("f\x1b]0;x\x07"), q(data)), "set metric %s" % q("m\x1b[2J"),
            "load %s" % q(os.path.join(T, "no\x1b[2J.jsonl")), "nosuchcmd\x1b[2J",
            "filter %s" % q("label=\x1b[31m"), "bind %s x" % q("\x1b[2J"),
            "help %s" % q("\x1b[2J"), "theme %s" % q("\x1b]0;t\x07"), "source %s" % q("/no/\x1b[2J")):
    p = safe("error: " + cmd.split(" ")[0], run(["--headless", data, "-e", cmd]))
    expect("error: %s is one line" % cmd.split(" ")[0],
           p.returncode == 1 and p.stderr.count(b"\n") == 1 and p.stderr.endswith(b"\n"), p.stderr)
p = safe("echo", run(["--headless", data, "-e", "echo %s" % q("e\x1b[2J\x9b\u202e")]), 0)
expect("echo shows its text escaped", p.stdout == b"e\\x1b[2J\\u009b\\u202e\n", p.stdout)
p = run(["--headless", data, "-e", "label %s x" % q("no\x1b[2Jsuch\nid")])
expect("an error shows the id escaped", b"no\\x1b[2Jsuch\\nid" in p.stderr, p.stderr)
script = os.path.join(T, "s\x1b[2J.tt")
with open(script, "wb") as f:
    f.write(b"label nosuch\x1b[2J x\n")
safe("script error with a hostile script name", run(["--headless", data, "--script", script]), 1)
safe("unknown option", run(["--nope\x1b[2J"]), 2)
safe("unexpected argument", run(["check", data, "extra\x1b[2J"]), 2)
safe("--set error", run(["check", "--set", "metric=\x1b[2J", data]))

# Save through the journal: the data file gets the edits, and a second
# round trip of the saved file is byte-exact.
save2 = os.path.join(T, "saved.jsonl")
safe("save", run(["--headless", data, "-e", "save %s" % q(save2)]), 0)
saved = open(save2, "rb").read()
safe("save again", run(["--headless", save2, "-e", "save %s" % q(os.path.join(T, "saved2.jsonl"))]), 0)
expect("an unedited save is byte-exact", open(os.path.join(T, "saved2.jsonl"), "rb").read() == saved)
notes = [json.loads(l).get("note") for l in saved.decode("utf-8").splitlines()]
expect("the saved file holds the hostile notes exactly", "n " + H["osc0"] in notes and "n " + H["nl"] in notes,
       notes[:4])
safe("export --provenance", run(["export", "--provenance", data, os.path.join(T, "prov.jsonl")]), 0)

# Train, eval, predict on the hostile data, plain and --json.
out = os.path.join(T, "run")
p = safe("train", run(["train", "--data", data, "--set", "epochs=2", "--set", "dim=8", "--set", "buckets=1000",
                       "--set", "threads=1", "--out", out]), 0)
p = safe("train --json", run(["train", "--data", data, "--set", "epochs=2", "--set", "dim=8",
                              "--set", "buckets=1000", "--set", "threads=1", "--json"]), 0)
try:
    json.loads(p.stdout)
    ok("train --json is valid JSON")
except ValueError as e:
    not_ok("train --json is valid JSON", e, p.stdout[:300])
metrics = os.path.join(out, "metrics.jsonl")
try:
    for l in open(metrics, encoding="utf-8"):
        json.loads(l)
    ok("metrics.jsonl is JSON lines")
except (OSError, ValueError) as e:
    not_ok("metrics.jsonl is JSON lines", e)
model = os.path.join(out, "model.safetensors")
p = safe("eval", run(["eval", model, data]), 0)
expect("eval per-class lines are escaped, one a class", b"red\\x1b[31m" in p.stdout and
       len([l for l in p.stdout.split(b"\n") if b" P " in l]) == p.stdout.count(b"\n") - 1, p.stdout)
p = safe("eval --json", run(["eval", model, data, "--json"]), 0)
try:
    d = json.loads(p.stdout)
    ok("eval --json is valid JSON")
except ValueError as e:
    not_ok("eval --json is valid JSON", e, p.stdout[:300])
p = safe("predict", run(["predict", model, "--k", "5", "osc0 words \x1b]0;pwned\x07"]), 0)
expect("predict prints one line for one text", p.stdout.count(b"\n") == 1, p.stdout)
p = safe("predict from stdin", run(["predict", model, "--k", "5"], stdin=b"a\x1b[2J b\nc\xc2\x9b d\n"), 0)
expect("predict prints one line per input line", p.stdout.count(b"\n") == 2, p.stdout)
p = safe("predict --json", run(["predict", model, "--k", "5", "--json", "osc0 words"]), 0)
try:
    d = json.loads(p.stdout.splitlines()[0])
    labels = [x["label"] for x in d] if isinstance(d, list) else [x["label"] for x in d["predictions"]]
    expect("predict --json keeps the exact label names", sorted(labels) == sorted(LABELS), labels)
except (ValueError, KeyError, TypeError, IndexError) as e:
    not_ok("predict --json keeps the exact label names", repr(e), p.stdout[:300])

unlabeled = os.path.join(T, "unlabeled\x1b]0;t\x07.jsonl")
with open(unlabeled, "w", encoding="utf-8") as f:
    f.write(json.dumps({"id": "u\x1b[2J", "text": "no label here", "label": None}) + "\n")
p = safe("eval on data without known labels", run(["eval", model, unlabeled]), 1)
expect("eval's refusal is one line", p.stderr.count(b"\n") == 1, p.stderr)

# In a headless run: train, status, eval, export.
safe("headless train, status, eval, export",
     run(["--headless", data, "--set", "epochs=2", "--set", "dim=8", "--set", "buckets=1000", "--set", "threads=1",
          "-e", "start; wait; status; eval; eval test; export %s" % q(os.path.join(T, "m\x1b[2J.safetensors"))]), 0)

# Sessions with hostile values (YAML escapes: \e, \x9b, \u202e, \n).
def session(name, body):
    path = os.path.join(T, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(body)
    return path
s = session("s1.yaml", 'name: "\\e]0;t\\a"\ndata: "\\e[2Jnone\\x9b\\njsonl"\n')
p = safe("session whose data path is hostile", run(["--headless", s, "-e", "stats"]), 1)
s = session("s2.yaml", 'name: x\ndata: hostile.jsonl\nlabels: ["\\e[31mred", "\\u202eevil"]\n'
            'options:\n  text_field: "\\e]52;c;eA==\\a"\n')
safe("session with hostile labels and options", run(["--headless", s, "-e", "labels; show; check"]))
s = session("s3.yaml", 'name: x\ndata: hostile.jsonl\n"\\e[2Jkey": 1\n')
safe("session with a hostile key", run(["--headless", s, "-e", "stats"]))
s = session("s4.yaml", 'name: x\ndata: hostile.jsonl\noptions:\n  metric: "\\e[2J\\x9b"\n')
safe("session with a hostile enum value", run(["--headless", s, "-e", "stats"]))
s = session("s5.yaml", 'name: "\\e]0;t\\a\\u202e"\ndata: hostile.jsonl\n')
safe("session with a hostile name, saved", run(["--headless", s, "-e", "session save %s; stats" %
                                                q(os.path.join(T, "s5b\x1b[2J.yaml"))]), 0)
p = safe("an option holding controls, shown", run(["--headless", data, "--set", "theme=\x1b]0;t\x07\nx", "-e",
                                                  "show; show theme"]), 0)
expect("show keeps each option on its line", b"theme            \\x1b]0;t\\x07\\nx\n" in p.stdout and
       b'theme = "\\x1b]0;t\\x07\\nx"' in p.stdout, p.stdout[-400:])
s = session("s6.yaml", 'name: x\ndata: hostile.jsonl\nannotator: "\\e]0;who\\a\\nme\\u202e"\n')
p = safe("a hostile annotator through the journal",
         run(["--headless", s, "-e", "label %s %s; journal 1" % (q(ids[5]), q(LABELS[0]))]), 0)
expect("the journal shows the annotator escaped", b"\\x1b]0;who\\x07\\nme\\u202e" in p.stdout, p.stdout)
c = session("c1.yaml", 'text_field: "\\e[2J\\nx"\nnope\\x9b: 1\n')
safe("config with hostile values", run(["--config", c, "--headless", data, "-e", "show"]))

sys.exit(1 if failed else 0)
PY
