package ogc

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"

	"github.com/labstack/echo/v4"
)

// numbered is a collection of n features f001… in id order, even ones of
// kind "even"; reads counts how many features Items handed out.
func numbered(n int, reads *int) Collection {
	var all []Feature
	for i := 1; i <= n; i++ {
		kind := "odd"
		if i%2 == 0 {
			kind = "even"
		}
		all = append(all, Feature{Type: "Feature", ID: fmt.Sprintf("f%03d", i), Properties: map[string]any{"kind": kind}})
	}
	return Collection{ID: "things", Title: "Things", Queryables: map[string]string{"kind": "string"},
		Items: func(_ context.Context, q Query) ([]Feature, error) {
			i, _ := slices.BinarySearchFunc(all, q.After, func(f Feature, id string) int {
				if f.ID <= id {
					return -1
				}
				return 1
			})
			out := all[i:min(i+q.Limit, len(all))]
			*reads += len(out)
			return out, nil
		}}
}

// itemsPage is what a client reads of a page.
type itemsPage struct {
	ids            []string
	matched        *int
	returned       int
	next, prev     url.Values // nil when absent
	nextAt, prevAt string
}

func getItems(t *testing.T, e *echo.Echo, query string) itemsPage {
	t.Helper()
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/ogc/collections/things/items?"+query, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: %d %s", query, rec.Code, rec.Body)
	}
	var body struct {
		Features       []Feature `json:"features"`
		NumberMatched  *int      `json:"numberMatched"`
		NumberReturned int       `json:"numberReturned"`
		Links          []link    `json:"links"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	p := itemsPage{matched: body.NumberMatched, returned: body.NumberReturned}
	for _, f := range body.Features {
		p.ids = append(p.ids, f.ID)
	}
	for _, l := range body.Links {
		u, err := url.Parse(l.Href)
		if err != nil || !u.IsAbs() {
			t.Fatalf("link %+v is not an absolute URL", l)
		}
		switch l.Rel {
		case "next":
			p.next, p.nextAt = u.Query(), u.RawQuery
		case "prev":
			p.prev, p.prevAt = u.Query(), u.RawQuery
		}
	}
	return p
}

func ids(from, to int) []string {
	var out []string
	for i := from; i <= to; i++ {
		out = append(out, fmt.Sprintf("f%03d", i))
	}
	return out
}

// TestItemsLinks walks 25 features 10 a page forwards by next links and
// back by prev links, and pages a property filter.
func TestItemsLinks(t *testing.T) {
	reads := 0
	col := numbered(25, &reads)
	e := echo.New()
	Mount(e.Group("/ogc"), "/ogc", Options{Collections: func(echo.Context) ([]Collection, error) { return []Collection{col}, nil }})

	p1 := getItems(t, e, "limit=10")
	if !slices.Equal(p1.ids, ids(1, 10)) || p1.matched == nil || *p1.matched != 25 || p1.returned != 10 || p1.prev != nil {
		t.Fatalf("first page %+v", p1)
	}
	if p1.next.Get("after") != "f010" || p1.next.Get("offset") != "10" || p1.next.Get("limit") != "10" {
		t.Fatalf("first next link %s", p1.nextAt)
	}
	reads = 0
	p2 := getItems(t, e, p1.nextAt)
	if !slices.Equal(p2.ids, ids(11, 20)) || p2.matched != nil || p2.next.Get("after") != "f020" || p2.next.Get("offset") != "20" {
		t.Fatalf("second page %+v", p2)
	}
	if reads > 11 {
		t.Errorf("a page after an id read %d features; keyset paging reads the page and one more", reads)
	}
	if p2.prev.Get("offset") != "0" || p2.prev.Has("after") {
		t.Fatalf("second prev link %s, want offset=0 without after", p2.prevAt)
	}
	p3 := getItems(t, e, p2.nextAt)
	if !slices.Equal(p3.ids, ids(21, 25)) || p3.next != nil || p3.prev.Get("offset") != "10" {
		t.Fatalf("last page %+v (prev %s)", p3, p3.prevAt)
	}
	back := getItems(t, e, p3.prevAt)
	if !slices.Equal(back.ids, ids(11, 20)) || back.matched == nil || *back.matched != 25 || back.next.Get("offset") != "20" {
		t.Fatalf("prev of the last page %+v", back)
	}
	if first := getItems(t, e, back.prevAt); !slices.Equal(first.ids, ids(1, 10)) || first.prev != nil {
		t.Fatalf("prev of the second page %+v", first)
	}

	even := getItems(t, e, "kind=even&limit=5")
	if want := []string{"f002", "f004", "f006", "f008", "f010"}; !slices.Equal(even.ids, want) || *even.matched != 12 || even.next.Get("kind") != "even" {
		t.Fatalf("kind=even: %+v, next %s", even, even.nextAt)
	}
	var all []string
	for q := "kind=even&limit=5"; q != ""; {
		p := getItems(t, e, q)
		all = append(all, p.ids...)
		q = p.nextAt
	}
	if want := []string{"f002", "f004", "f006", "f008", "f010", "f012", "f014", "f016", "f018", "f020", "f022", "f024"}; !slices.Equal(all, want) {
		t.Fatalf("kind=even over every page: %v", all)
	}
}
