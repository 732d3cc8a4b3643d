// Package workloadtest checks assessment sheets with a reader other than
// the writer: Python's openpyxl reads the XLSX back and compares it with
// the JSON of the same sheet.
package workloadtest

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"wangge/coverage/workload"
)

// CheckXLSX writes s as XLSX and JSON and has openpyxl compare them.
func CheckXLSX(t testing.TB, s workload.Sheet) {
	t.Helper()
	py := openpyxl(t)
	dir := t.TempDir()
	var x bytes.Buffer
	if err := s.WriteXLSX(&x, workload.Zh); err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	xf, jf := filepath.Join(dir, "s.xlsx"), filepath.Join(dir, "s.json")
	if err := os.WriteFile(xf, x.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(jf, js, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "-c", compareScript, xf, jf).CombinedOutput()
	if err != nil {
		t.Fatalf("openpyxl: %v\n%s", err, out)
	}
	t.Logf("openpyxl: %s", bytes.TrimSpace(out))
}

// compareScript checks the workbook against the JSON: the header of the
// main sheet in Chinese, each worker's row (item values, targets, scores,
// total) and each day's figures.
const compareScript = `
import json, math, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
s = json.load(open(sys.argv[2]))
rows = list(wb["考核表"].iter_rows(values_only=True))
assert rows[0][0] == "网格员" and rows[0][3].startswith("录入更新网格基础信息"), rows[0]
assert len(rows) == 1 + len(s["workers"]), (len(rows), len(s["workers"]))
def same(a, b, what):
    assert isinstance(a, (int, float)) and math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12), (what, a, b)
n = 0
for row, w in zip(rows[1:], s["workers"]):
    assert row[0] == w["worker"], (row[0], w["worker"])
    for i, it in enumerate(w["items"]):
        for j, k in enumerate(("value", "target", "score")):
            same(row[3 + 3*i + j], it[k], (w["worker"], it["key"], k)); n += 1
    same(row[-1], w["score"], (w["worker"], "total")); n += 1
days = list(wb["每日"].iter_rows(values_only=True))[1:]
want = [(w["worker"], d) for w in s["workers"] for d in w["days"]]
assert len(days) == len(want), (len(days), len(want))
for row, (wid, d) in zip(days, want):
    assert row[0] == wid and row[1] == d["date"], (row, wid, d)
    same(row[2], d["distance_m"] / 1000, "distance"); same(row[3], d["patrol_h"], "patrol"); same(row[4], d["inside_h"], "inside")
    same(row[5], d["key_places_visited"], "visits"); same(row[6], d["reported"], "reported"); n += 5
print("%d workers, %d days, %d numbers equal to the JSON" % (len(s["workers"]), len(days), n))
`

// openpyxl finds a Python that imports openpyxl (.ci/setup.sh installs
// python3-openpyxl); without one the test skips, saying so.
func openpyxl(t testing.TB) string {
	t.Helper()
	for _, py := range []string{"/usr/bin/python3", "python3"} {
		if exec.Command(py, "-c", "import openpyxl").Run() == nil {
			return py
		}
	}
	t.Skip("no python3 with openpyxl (apt-get install python3-openpyxl; .ci/setup.sh does)")
	return ""
}
