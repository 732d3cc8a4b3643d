package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"reflect"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"

	"wangge/coverage/incident"
	"wangge/coverage/open311"
	"wangge/coverage/workload"
	"wangge/data/importer"
	"wangge/internal/window"
	"wangge/server"
	"wangge/server/web"
)

// DefaultDB is the store when neither the file, WANGGE_DB nor --db names
// one: a GeoPackage in the working directory.
const DefaultDB = "wangge.gpkg"

// Config is everything wangge serve can be told. The zero value of a
// limit means the server's default (server.Options).
type Config struct {
	Addr string `toml:"addr"` // host:port to listen on
	DB   string `toml:"db"`   // a GeoPackage file or a postgres:// URL
	// MetricsAddr serves /metrics alone, without a token (server.Options).
	MetricsAddr string     `toml:"metrics_addr"`
	Zone        Zone       `toml:"zone"` // of plain dates and Open311 datetimes
	CORS        CORS       `toml:"cors"`
	Map         Map        `toml:"map"`
	Limits      Limits     `toml:"limits"`
	Rates       Rates      `toml:"rates"`
	Open311     Open311    `toml:"open311"`
	Agencies    Agencies   `toml:"agencies"`
	Categories  []Category `toml:"categories"`
	// Workload are the coefficients of the weekly workload estimate of a
	// grid and Assessment the targets and weights of the monthly
	// assessment (package workload explains every default).
	Workload   workload.Coefficients `toml:"workload"`
	Assessment workload.Targets      `toml:"assessment"`
	// Import says how `wangge import` reads the files a city exports.
	Import Import `toml:"import"`
}

// Import says how `wangge import` reads the files a city exports.
type Import struct {
	Incidents IncidentImport `toml:"incidents"`
}

// IncidentImport is how an incident export is read
// (importer.IncidentOptions); flags of `wangge import incidents` override
// it.
type IncidentImport struct {
	// Map is field → column of the export: id = "service_request_id".
	Map map[string]string `toml:"map"`
	// Statuses is export value → state: "Sent to DPW" = "accepted".
	Statuses   map[string]string `toml:"statuses"`
	Duplicates string            `toml:"duplicates"`  // reject (default), first or last
	Unlocated  string            `toml:"unlocated"`   // reject (default) or skip
	Zone       Zone              `toml:"zone"`        // of times without a UTC offset; none: refused
	TimeLayout string            `toml:"time_layout"` // Go layout of report times; none: ISO 8601
}

// IncidentOptions are the incident import settings as the importer
// takes them.
func (c *Config) IncidentOptions() importer.IncidentOptions {
	in := c.Import.Incidents
	o := importer.IncidentOptions{Columns: in.Map, Duplicates: importer.Duplicates(in.Duplicates),
		Unlocated: importer.Unlocated(in.Unlocated), Zone: in.Zone.Location(), TimeLayout: in.TimeLayout}
	for v, s := range in.Statuses {
		if o.Statuses == nil {
			o.Statuses = map[string]incident.Status{}
		}
		o.Statuses[v] = incident.Status(s)
	}
	return o
}

// CORS says which web pages may call the API from a browser.
type CORS struct {
	// AllowedOrigins are origins such as https://map.example.gov.cn
	// (server.CheckOrigin), or "*" for any.
	AllowedOrigins []string `toml:"allowed_origins"`
}

// Map configures the map page (server.Options.Basemap).
type Map struct {
	// Basemap is a raster tile URL template with {z}, {x} and {y} drawn
	// under the page's overlays; none: the store's own layers.
	Basemap string `toml:"basemap"`
	// BasemapCRS is the coordinate system of its tiles: wgs84 (default)
	// or gcj02 (AMap/Gaode, Tencent): the page then shifts its overlays.
	BasemapCRS string `toml:"basemap_crs"`
	// BasemapAttribution is shown on the map.
	BasemapAttribution string `toml:"basemap_attribution"`
}

// Limits bound requests and connections (server.Options).
type Limits struct {
	BodyBytes         int64    `toml:"body_bytes"`
	ReadHeaderTimeout Duration `toml:"read_header_timeout"`
	ReadTimeout       Duration `toml:"read_timeout"`
	WriteTimeout      Duration `toml:"write_timeout"`
	IdleTimeout       Duration `toml:"idle_timeout"`
	ShutdownTimeout   Duration `toml:"shutdown_timeout"`
}

// Rates bound requests per device, client address and anonymous Open311
// reporter (server.Rates; zero takes its default).
type Rates struct {
	DevicePerSecond  float64 `toml:"device_per_second"`
	DeviceBurst      int     `toml:"device_burst"`
	AddressPerSecond float64 `toml:"address_per_second"`
	AddressBurst     int     `toml:"address_burst"`
	AnonymousPerHour float64 `toml:"anonymous_per_hour"`
	AnonymousBurst   int     `toml:"anonymous_burst"`
}

// Open311 says who may file reports through Open311.
type Open311 struct {
	// Anonymous lets anyone file a report without an api_key, inside the
	// served grids and within Rates.AnonymousPerHour.
	Anonymous bool `toml:"anonymous"`
}

// Agencies name who holds an incident at each level, for Open311's
// agency_responsible (the level's name when empty).
type Agencies struct {
	Grid      string `toml:"grid"`
	Community string `toml:"community"`
	Street    string `toml:"street"`
	City      string `toml:"city"`
}

// Category is an incident category (open311.Category).
type Category struct {
	Code        string   `toml:"code"`
	ServiceCode string   `toml:"service_code"` // Open311 service_code; code when empty
	Name        string   `toml:"name"`
	Description string   `toml:"description"`
	Group       string   `toml:"group"`
	Keywords    []string `toml:"keywords"`
	TimeLimit   Duration `toml:"time_limit"` // to settle an incident; none when zero
}

// Duration is a Go duration, written as a string such as "30s" or "48h".
// It is a struct so that a bare number (30: nanoseconds?) is refused
// rather than read as nanoseconds.
type Duration struct{ time.Duration }

// UnmarshalText reads a Go duration.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration", b)
	}
	d.Duration = v
	return nil
}

// Zone is a time zone, written as its IANA name (window.LoadZone). The
// zero Zone is window.DefaultZone.
type Zone struct{ loc *time.Location }

// UnmarshalText loads the zone a name names.
func (z *Zone) UnmarshalText(b []byte) error {
	loc, err := window.LoadZone(string(b))
	if err != nil {
		return fmt.Errorf("%q is not an IANA time zone", b)
	}
	z.loc = loc
	return nil
}

// Location is the zone; nil for the zero Zone, which server.Options
// takes as window.DefaultZone.
func (z Zone) Location() *time.Location { return z.loc }

// String is the zone's IANA name.
func (z Zone) String() string {
	if z.loc == nil {
		return window.DefaultZone
	}
	return z.loc.String()
}

// Default is the configuration without a file: listen on
// server.DefaultAddr, store DefaultDB, zone window.DefaultZone, the
// server's defaults for everything else.
func Default() Config {
	return Config{Addr: server.DefaultAddr, DB: DefaultDB,
		Workload: workload.DefaultCoefficients(), Assessment: workload.DefaultTargets()}
}

// Parse reads a TOML configuration over Default. Decoding is strict: an
// unknown key, a value of the wrong type or one that does not parse fails
// with an *Error naming the key, line and column. Parse does not
// validate; call Validate once the environment and flags are applied.
func Parse(r io.Reader) (Config, error) {
	c := Default()
	doc, err := io.ReadAll(r)
	if err != nil {
		return c, fmt.Errorf("config: %w", err)
	}
	dec := toml.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, decodeError(err, doc)
	}
	return c, nil
}

// Load parses the file at path; its errors name the file.
func Load(path string) (Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return Default(), fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	c, err := Parse(f)
	if ce := (*Error)(nil); errors.As(err, &ce) {
		ce.Source = path
	}
	return c, err
}

// decodeError turns an error of the TOML decoder on doc into an *Error:
// every unknown key in one line, else the one value or syntax error.
func decodeError(err error, doc []byte) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		first := strict.Errors[0]
		line, col := first.Position()
		e := &Error{Line: line, Column: col, Key: strings.Join(first.Key(), "."), Err: ErrUnknownKey, Reason: "unknown key"}
		if keys := tableKeys(first.Key()[:len(first.Key())-1]); len(keys) > 0 {
			e.Reason += "; the table takes " + strings.Join(keys, ", ")
		}
		if more := strict.Errors[1:]; len(more) > 0 {
			names := make([]string, len(more))
			for i, m := range more {
				l, _ := m.Position()
				names[i] = fmt.Sprintf("%s (line %d)", strings.Join(m.Key(), "."), l)
			}
			e.Reason += fmt.Sprintf("; %d more unknown: %s", len(more), strings.Join(names, ", "))
		}
		return e
	}
	var de *toml.DecodeError
	if !errors.As(err, &de) {
		// The decoder hands a number or a boolean to UnmarshalText and
		// returns its error as is, without saying where: find the key.
		if key, t, ok := notText(doc); ok {
			return &Error{Key: key, Reason: err.Error() + "; want " + describe(t), Err: ErrValue}
		}
		return &Error{Reason: err.Error(), Err: ErrSyntax}
	}
	line, col := de.Position()
	e := &Error{Line: line, Column: col, Key: strings.Join(de.Key(), "."), Err: ErrValue,
		Reason: strings.TrimPrefix(de.Error(), "toml: ")}
	if e.Key == "" {
		e.Err = ErrSyntax
	} else if t, ok := keyType(de.Key()); ok {
		e.Reason += "; want " + describe(t)
	}
	return e
}

// Validate checks what decoding cannot: the address, the store, limits
// that are not negative, CORS origins as browsers send them and the
// categories (codes and service codes given once, each with a name). It
// returns the first problem as an *Error naming the key.
func (c *Config) Validate() error {
	bad := func(key, format string, args ...any) error {
		return &Error{Key: key, Reason: fmt.Sprintf(format, args...), Err: ErrInvalid}
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return bad("addr", "%q is not host:port or :port", c.Addr)
	}
	if c.DB == "" {
		return bad("db", "name the store: a GeoPackage file or a postgres:// URL")
	}
	if c.Limits.BodyBytes < 0 {
		return bad("limits.body_bytes", "%d is negative", c.Limits.BodyBytes)
	}
	for _, d := range []struct {
		key string
		d   Duration
	}{
		{"limits.read_header_timeout", c.Limits.ReadHeaderTimeout}, {"limits.read_timeout", c.Limits.ReadTimeout},
		{"limits.write_timeout", c.Limits.WriteTimeout}, {"limits.idle_timeout", c.Limits.IdleTimeout},
		{"limits.shutdown_timeout", c.Limits.ShutdownTimeout},
	} {
		if d.d.Duration < 0 {
			return bad(d.key, "%s is negative", d.d)
		}
	}
	for i, o := range c.CORS.AllowedOrigins {
		if err := server.CheckOrigin(o); err != nil {
			return bad(fmt.Sprintf("cors.allowed_origins[%d]", i), "%v", err)
		}
	}
	if err := c.basemap().Validate(); err != nil {
		return bad("map", "%v", err)
	}
	for i, cat := range c.Categories {
		if cat.TimeLimit.Duration < 0 {
			return bad(fmt.Sprintf("categories[%d].time_limit", i), "%s is negative", cat.TimeLimit)
		}
	}
	if _, err := open311.NewCatalog(c.categories(), nil, nil); err != nil {
		return bad("categories", "%v", err)
	}
	if err := c.Workload.Validate(); err != nil {
		return bad("workload", "%v", err)
	}
	if err := c.Assessment.Validate(); err != nil {
		return bad("assessment", "%v", err)
	}
	if err := c.IncidentOptions().Validate(); err != nil {
		return bad("import.incidents", "%v", err)
	}
	return nil
}

// ServerOptions are the server's options of the configuration; the caller
// adds the Store and the Logger.
func (c *Config) ServerOptions() server.Options {
	return server.Options{
		Addr:              c.Addr,
		BodyLimit:         c.Limits.BodyBytes,
		ShutdownTimeout:   c.Limits.ShutdownTimeout.Duration,
		ReadHeaderTimeout: c.Limits.ReadHeaderTimeout.Duration,
		ReadTimeout:       c.Limits.ReadTimeout.Duration,
		WriteTimeout:      c.Limits.WriteTimeout.Duration,
		IdleTimeout:       c.Limits.IdleTimeout.Duration,
		CORSOrigins:       c.CORS.AllowedOrigins,
		Rates: server.Rates{DevicePerSecond: c.Rates.DevicePerSecond, DeviceBurst: c.Rates.DeviceBurst,
			IPPerSecond: c.Rates.AddressPerSecond, IPBurst: c.Rates.AddressBurst,
			AnonymousPerHour: c.Rates.AnonymousPerHour, AnonymousBurst: c.Rates.AnonymousBurst},
		AnonymousOpen311: c.Open311.Anonymous,
		MetricsAddr:      c.MetricsAddr,
		Basemap:          c.basemap(),
		Categories:       c.categories(),
		Agencies:         c.agencies(),
		Zone:             c.Zone.Location(),
		Workload:         &c.Workload,
		Targets:          &c.Assessment,
	}
}

// basemap is the map page's basemap.
func (c *Config) basemap() web.Basemap {
	return web.Basemap{Tiles: c.Map.Basemap, CRS: c.Map.BasemapCRS, Attribution: c.Map.BasemapAttribution}
}

// categories are the configured categories as Open311 takes them; nil
// when none is configured, so that the server serves its defaults.
func (c *Config) categories() []open311.Category {
	var out []open311.Category
	for _, cat := range c.Categories {
		out = append(out, open311.Category{Code: cat.Code, ServiceCode: cat.ServiceCode, Name: cat.Name,
			Description: cat.Description, Group: cat.Group, Keywords: cat.Keywords, Limit: cat.TimeLimit.Duration})
	}
	return out
}

// agencies are the named agencies by level.
func (c *Config) agencies() map[incident.Level]string {
	out := map[incident.Level]string{}
	for level, name := range map[incident.Level]string{incident.LevelGrid: c.Agencies.Grid,
		incident.LevelCommunity: c.Agencies.Community, incident.LevelStreet: c.Agencies.Street, incident.LevelCity: c.Agencies.City} {
		if name != "" {
			out[level] = name
		}
	}
	return out
}

// notText finds in doc the first setting that reads itself from a string
// (a duration, a zone) but has a value of another kind, with its type.
func notText(doc []byte) (string, reflect.Type, bool) {
	var m map[string]any
	if toml.Unmarshal(doc, &m) != nil {
		return "", nil, false
	}
	return findNotText(m, reflect.TypeFor[Config](), "")
}

// findNotText looks for notText's setting in the value v decoded for a
// setting of type t at key.
func findNotText(v any, t reflect.Type, key string) (string, reflect.Type, bool) {
	switch {
	case isText(t):
		_, isString := v.(string)
		return key, t, !isString
	case t.Kind() == reflect.Struct:
		m, _ := v.(map[string]any)
		for f := range t.Fields() {
			k := tomlKey(f)
			if sub, ok := m[k]; ok {
				if found, ft, ok := findNotText(sub, f.Type, strings.TrimPrefix(key+"."+k, ".")); ok {
					return found, ft, true
				}
			}
		}
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct:
		list, _ := v.([]any)
		for i, e := range list {
			if found, ft, ok := findNotText(e, t.Elem(), fmt.Sprintf("%s[%d]", key, i)); ok {
				return found, ft, true
			}
		}
	}
	return "", nil, false
}

// keyType is the Go type of the setting at a key path.
func keyType(path []string) (reflect.Type, bool) {
	t := reflect.TypeFor[Config]()
	for _, name := range path {
		if t.Kind() == reflect.Slice {
			t = t.Elem()
		}
		f, ok := fieldByKey(t, name)
		if !ok {
			return nil, false
		}
		t = f.Type
	}
	return t, true
}

// tableKeys lists the keys the table at path takes (none when path is not
// a table).
func tableKeys(path []string) []string {
	t, ok := keyType(path)
	if ok && t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if !ok || t.Kind() != reflect.Struct || isText(t) {
		return nil
	}
	var keys []string
	for f := range t.Fields() {
		keys = append(keys, tomlKey(f))
	}
	return keys
}

// fieldByKey is the field of struct type t with the TOML key.
func fieldByKey(t reflect.Type, key string) (reflect.StructField, bool) {
	if t.Kind() != reflect.Struct {
		return reflect.StructField{}, false
	}
	for f := range t.Fields() {
		if tomlKey(f) == key {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// tomlKey is the key of a field in the file.
func tomlKey(f reflect.StructField) string {
	key, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	return key
}

// describe says what a setting of type t is written as.
func describe(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[Duration]():
		return `a Go duration as a string, such as "30s", "2m" or "48h"`
	case t == reflect.TypeFor[Zone]():
		return `an IANA time zone name, such as "` + window.DefaultZone + `" or "UTC"`
	case t.Kind() == reflect.String:
		return "a string"
	case t.Kind() == reflect.Int64 || t.Kind() == reflect.Int:
		return "a whole number"
	case t.Kind() == reflect.Float64:
		return "a number"
	case t.Kind() == reflect.Bool:
		return "true or false"
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return `a list of strings, such as ["a", "b"]`
	case t.Kind() == reflect.Slice:
		return "tables, each under its own [[header]]"
	}
	return "a table"
}
