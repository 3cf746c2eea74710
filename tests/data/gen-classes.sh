# gen-classes.sh N [RECORDS] - a deterministic JSONL dataset on stdout with N
# classes (class_00 ...), each with its own words plus shared noise, so a
# short run confuses some pairs. For the confusion pane's tests.
awk -v n="${1:-8}" -v m="${2:-1200}" 'BEGIN {
	srand(11)
	for (i = 0; i < m; i++) {
		c = i % n
		t = ""
		for (k = 0; k < 6; k++) {
			w = rand() < 0.6 ? c : int(rand() * n)
			t = t sprintf("w%02d%s ", w, substr("abcdef", k + 1, 1))
		}
		printf "{\"id\":\"r%04d\",\"text\":\"%sthe end\",\"label\":\"class_%02d\"}\n", i, t, c
	}
}'
