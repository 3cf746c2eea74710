// bpe-node.js < LINES > IDS - the npm package gpt-3-encoder's own encoder
// (a popular JavaScript port of GPT-2's) on each LF-separated line, for
// bench/bpe.sh. Lines must be UTF-8.
'use strict';
const path = require('path');
const { encode } = require(path.join(__dirname, 'node_modules', 'gpt-3-encoder'));

const data = require('fs').readFileSync(0);
let lines = data.toString('utf8').split('\n');
if (data.length > 0 && data[data.length - 1] === 10)
	lines.pop();
const out = [];
for (const line of lines)
	out.push(encode(line).join(' '));
process.stdout.write(out.map((s) => s + '\n').join(''));
