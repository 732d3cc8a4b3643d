package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"wangge/coverage/incident"
	"wangge/coverage/open311"
	"wangge/coverage/workload"
	"wangge/server"
	"wangge/server/web"
)

// examplePath is the example configuration at the root of the repository.
const examplePath = "../../wangge.example.toml"

// The example file parses, validates, and every value in it reaches
// server.Options.
func TestExampleReachesServerOptions(t *testing.T) {
	c, err := Load(examplePath)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.DB != "wangge.gpkg" {
		t.Errorf("db %q", c.DB)
	}
	got := c.ServerOptions()
	if got.Zone == nil || got.Zone.String() != "Asia/Shanghai" {
		t.Fatalf("zone %v", got.Zone)
	}
	got.Zone = nil
	want := server.Options{
		Addr:              "127.0.0.1:8080",
		BodyLimit:         20 << 20,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       time.Minute,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       90 * time.Second,
		ShutdownTimeout:   20 * time.Second,
		CORSOrigins:       []string{"https://map.example.gov.cn", "http://localhost:5173"},
		Basemap:           web.Basemap{Tiles: "https://tiles.example.cn/{z}/{x}/{y}.png", CRS: "gcj02", Attribution: "© tiles.example.cn"},
		Rates:             server.Rates{DevicePerSecond: 2, DeviceBurst: 30, IPPerSecond: 100, IPBurst: 200, AnonymousPerHour: 10, AnonymousBurst: 3},
		Agencies: map[incident.Level]string{
			incident.LevelGrid:      "网格员 grid worker",
			incident.LevelCommunity: "幸福里社区居委会 Xingfuli community committee",
			incident.LevelStreet:    "和平街道办事处 Heping street office",
			incident.LevelCity:      "市城市运行管理中心 city operations centre",
		},
		Categories: []open311.Category{
			{Code: "environment", ServiceCode: "101", Name: "环境卫生 Environment and sanitation",
				Description: "litter, overflowing bins, blocked drains, pests", Group: "environment",
				Keywords: []string{"litter", "garbage", "drain"}, Limit: 48 * time.Hour},
			{Code: "safety", ServiceCode: "201", Name: "安全隐患 Public safety hazard",
				Description: "fire exits blocked, exposed wiring, gas smell, falling objects", Group: "safety",
				Keywords: []string{"fire", "gas", "wiring"}, Limit: 24 * time.Hour},
			{Code: "other", Name: "其他 Other", Group: "other", Description: "anything else for the grid to look at"},
		},
		Workload: new(workload.DefaultCoefficients()),
		Targets:  new(workload.DefaultTargets()),
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("server options\n got %+v\nwant %+v", got, want)
	}
}

// Without a file the configuration is the server's defaults.
func TestDefault(t *testing.T) {
	c, err := Parse(strings.NewReader(""))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	opts := c.ServerOptions()
	if c.Addr != server.DefaultAddr || c.DB != DefaultDB || c.Zone.String() != "Asia/Shanghai" || opts.Zone != nil ||
		opts.Categories != nil || len(opts.Agencies) != 0 || opts.BodyLimit != 0 || opts.CORSOrigins != nil {
		t.Fatalf("default %+v gives %+v", c, opts)
	}
}

// A bad file is one line naming the key, line and column.
func TestParseErrors(t *testing.T) {
	tests := []struct {
		name     string
		doc      string
		sentinel error
		key      string
		line     int
		says     string // the message contains it
	}{
		{"misspelt key", "addr = \":1\"\nadrr = \":2\"\n", ErrUnknownKey, "adrr", 2, "unknown key; the table takes addr, db, metrics_addr, zone, cors, map, limits, rates, open311, agencies, categories"},
		{"key of a table", "[limits]\nbody_bytess = 3\n", ErrUnknownKey, "limits.body_bytess", 2, "takes body_bytes, read_header_timeout"},
		{"key of the second category", "[[categories]]\ncode = \"a\"\nname = \"A\"\n[[categories]]\ncode = \"b\"\nnmae = \"B\"\n",
			ErrUnknownKey, "categories.nmae", 6, "takes code, service_code, name"},
		{"several unknown keys", "adrr = 1\n[cors]\norigins = []\n", ErrUnknownKey, "adrr", 1, "1 more unknown: cors.origins (line 3)"},
		{"unknown table", "[server]\naddr = \":1\"\n", ErrUnknownKey, "server", 1, "unknown key"},
		{"string for a number", "[limits]\nbody_bytes = \"big\"\n", ErrValue, "limits.body_bytes", 2, "want a whole number"},
		{"not a duration", "[limits]\n\nwrite_timeout = \"soon\"\n", ErrValue, "limits.write_timeout", 3, `"soon" is not a duration; want a Go duration`},
		{"number for a duration", "[limits]\nwrite_timeout = 30\n", ErrValue, "limits.write_timeout", 0, `"30" is not a duration; want a Go duration`},
		{"boolean for a category's duration", "[[categories]]\ncode = \"a\"\nname = \"A\"\n[[categories]]\ncode = \"b\"\nname = \"B\"\ntime_limit = true\n",
			ErrValue, "categories[1].time_limit", 0, "want a Go duration"},
		{"number for a zone", "zone = 8\n", ErrValue, "zone", 0, "IANA time zone"},
		{"not a zone", "zone = \"Beijing\"\n", ErrValue, "zone", 1, `"Beijing" is not an IANA time zone`},
		{"Local is no zone", "zone = \"Local\"\n", ErrValue, "zone", 1, "IANA time zone"},
		{"string for a list", "[cors]\nallowed_origins = \"https://a.example\"\n", ErrValue, "cors.allowed_origins", 2, "want a list of strings"},
		{"not TOML", "addr = \n", ErrSyntax, "", 1, "line 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.doc))
			var ce *Error
			if !errors.As(err, &ce) || !errors.Is(err, tt.sentinel) {
				t.Fatalf("Parse = %v, want an *Error wrapping %v", err, tt.sentinel)
			}
			msg := err.Error()
			if ce.Key != tt.key || ce.Line != tt.line || !strings.Contains(msg, tt.says) || strings.Contains(msg, "\n") {
				t.Fatalf("Parse = %q (key %q, line %d), want one line on key %q, line %d, saying %q", msg, ce.Key, ce.Line, tt.key, tt.line, tt.says)
			}
		})
	}
}

// Load names the file in its errors, compiler-style.
func TestLoadNamesTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "wangge.toml")
	if err := os.WriteFile(path, []byte("zone = \"Asia/Shanghai\"\n[limits]\nbody_bytes = \"big\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if want := "config: " + path + ":3:14: limits.body_bytes: "; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("Load = %v, want it to start %q", err, want)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "none.toml")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Load of a missing file = %v", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		doc  string
		key  string // of the error; "" when valid
	}{
		{"defaults", "", ""},
		{"address without a port", "addr = \"localhost\"", "addr"},
		{"no store", "db = \"\"", "db"},
		{"negative body", "[limits]\nbody_bytes = -1", "limits.body_bytes"},
		{"negative timeout", "[limits]\nidle_timeout = \"-1s\"", "limits.idle_timeout"},
		{"zero timeouts are the defaults", "[limits]\nidle_timeout = \"0s\"\nread_timeout = \"0s\"", ""},
		{"origin with a path", "[cors]\nallowed_origins = [\"https://a.example\", \"https://b.example/app\"]", "cors.allowed_origins[1]"},
		{"any origin", "[cors]\nallowed_origins = [\"*\"]", ""},
		{"basemap without {y}", "[map]\nbasemap = \"https://t.example/{z}/{x}.png\"", "map"},
		{"basemap in BD-09", "[map]\nbasemap = \"https://t.example/{z}/{x}/{y}.png\"\nbasemap_crs = \"bd09\"", "map"},
		{"category without a name", "[[categories]]\ncode = \"x\"", "categories"},
		{"category code twice", "[[categories]]\ncode = \"x\"\nname = \"X\"\n[[categories]]\ncode = \"x\"\nname = \"Y\"", "categories"},
		{"service code twice", "[[categories]]\ncode = \"x\"\nname = \"X\"\nservice_code = \"1\"\n[[categories]]\ncode = \"y\"\nname = \"Y\"\nservice_code = \"1\"", "categories"},
		{"negative time limit", "[[categories]]\ncode = \"x\"\nname = \"X\"\ntime_limit = \"-2h\"", "categories[0].time_limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(strings.NewReader(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			err = c.Validate()
			var ce *Error
			switch {
			case tt.key == "" && err != nil:
				t.Fatalf("Validate = %v", err)
			case tt.key != "" && (!errors.As(err, &ce) || !errors.Is(err, ErrInvalid) || ce.Key != tt.key):
				t.Fatalf("Validate = %v, want ErrInvalid on %s", err, tt.key)
			}
		})
	}
}

// A [workload] or [assessment] key changes that coefficient alone, and
// a list of key places replaces the default list.
func TestWorkloadKeys(t *testing.T) {
	c, err := Parse(strings.NewReader("[workload]\nhousehold_minutes = 5.0\n[[workload.key_places]]\ncategory = \"elderly-living-alone\"\nevery_days = 3.0\nminutes = 10.0\n[assessment]\npatrol = { target = 100.0, weight = 40.0 }\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := workload.DefaultCoefficients()
	want.HouseholdMinutes = 5
	want.KeyPlaces = []workload.KeyPlaceVisit{{Category: "elderly-living-alone", EveryDays: 3, Minutes: 10}}
	if !reflect.DeepEqual(c.Workload, want) {
		t.Errorf("workload %+v, want %+v", c.Workload, want)
	}
	if c.Assessment.Patrol != (workload.Goal{Target: 100, Weight: 40}) || c.Assessment.Handling != workload.DefaultTargets().Handling {
		t.Errorf("assessment %+v", c.Assessment)
	}
	c.Workload.WalkSpeed = 0
	if err := c.Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("walk speed 0: %v", err)
	}
}
