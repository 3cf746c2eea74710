# gen-multilabel.sh - a small deterministic multi-label fastText file on
# stdout: 400 records, 5 labels, each label with its own words.
awk 'BEGIN {
	srand(7)
	split("sports politics tech music food", L, " ")
	split("game team score vote law party code chip app song band tune meal dish taste", W, " ")
	for (i = 0; i < 400; i++) {
		s = ""; t = ""
		for (c = 1; c <= 5; c++)
			if (rand() < 0.35) {
				s = s "__label__" L[c] " "
				for (k = 0; k < 3; k++) t = t W[(c - 1) * 3 + 1 + int(rand() * 3)] " "
			}
		if (s == "") { s = "__label__food "; t = "meal dish " }
		print s t "the a of"
	}
}'
