// bpe-node-classes.js - the class of every code point (but the surrogates)
// as JavaScript's regex sees it under this node: one letter each, in order,
// S (\s), L (\p{L}), N (\p{N}) or O. For bench/bpe-compare.py --classes.
'use strict';
const out = [];
for (let c = 0; c < 0x110000; c++) {
	if (c >= 0xd800 && c <= 0xdfff)
		continue;
	const ch = String.fromCodePoint(c);
	out.push(/\s/u.test(ch) ? 'S' : /\p{L}/u.test(ch) ? 'L' : /\p{N}/u.test(ch) ? 'N' : 'O');
}
process.stdout.write(out.join(''));
