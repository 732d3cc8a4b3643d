package etag

import "testing"

func TestMatches(t *testing.T) {
	tag := Of([]byte("a page of features\n"))
	other := Of([]byte("another page\n"))
	if tag == other || len(tag) != 26 || tag[0] != '"' || tag[25] != '"' {
		t.Fatalf("tags %s and %s: want two different quoted 24-digit tags", tag, other)
	}
	for _, tc := range []struct {
		header string
		want   bool
	}{
		{tag, true},
		{"W/" + tag, true},
		{other + ", " + tag, true},
		{other + "," + tag, true},
		{"*", true},
		{other, false},
		{tag[1 : len(tag)-1], false}, // unquoted
		{"", false},
	} {
		if got := Matches(tc.header, tag); got != tc.want {
			t.Errorf("Matches(%q, %s) = %v, want %v", tc.header, tag, got, tc.want)
		}
	}
}
