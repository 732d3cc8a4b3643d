package open311

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"wangge/coverage/incident"
)

// Category is a kind of incident, configured per deployment; it is served
// as an Open311 service. Code is Incident.Category, and the service_code
// too unless ServiceCode gives the one a published Open311 catalogue uses.
// Limit is the time within which an incident of the category should be
// settled, for the overdue count of Stats; zero means none.
type Category struct {
	Code        string
	ServiceCode string
	Name        string
	Description string
	Keywords    []string
	Group       string
	Limit       time.Duration
}

// CategoryLimits returns the time limits of the categories that have one,
// for StatsQuery.Limits.
func CategoryLimits(categories []Category) map[string]time.Duration {
	out := make(map[string]time.Duration)
	for _, c := range categories {
		if c.Limit > 0 {
			out[c.Code] = c.Limit
		}
	}
	return out
}

// serviceCode is the category's Open311 service_code.
func (c *Category) serviceCode() string {
	return cmp.Or(c.ServiceCode, c.Code)
}

// Catalog maps incidents onto Open311 GeoReport v2 and back. It holds the
// configured categories, the names of the agencies holding each level
// (for agency_responsible; a level without one is named by the level) and
// the time zone datetimes are written in. It is read-only once made and
// safe for concurrent use.
type Catalog struct {
	categories []Category
	byCode     map[string]*Category
	byService  map[string]*Category // by service_code
	agencies   map[incident.Level]string
	zone       *time.Location
}

// DefaultCategory is the code of the category that serves the incidents
// whose category is not configured (imported from a city's export, say
// "LARCENY/THEFT"): their requests carry its service_code and name, and
// filtering by its service_code finds them along with its own. When the
// configuration has no category of this code, the catalogue adds
// OtherCategory.
const DefaultCategory = "other"

// OtherCategory is the category a catalogue adds when none is coded
// DefaultCategory.
var OtherCategory = Category{Code: DefaultCategory, Name: "Other",
	Description: "incidents of a category without its own service, such as imported ones"}

// NewCatalog checks the categories (each needs a distinct, non-empty code,
// a distinct service code and a name), adds OtherCategory when none is
// coded DefaultCategory, and returns the mapping. A nil zone means UTC.
func NewCatalog(categories []Category, agencies map[incident.Level]string, zone *time.Location) (*Catalog, error) {
	if zone == nil {
		zone = time.UTC
	}
	categories = slices.Clone(categories)
	if !slices.ContainsFunc(categories, func(c Category) bool { return c.Code == DefaultCategory }) {
		categories = append(categories, OtherCategory)
	}
	o := &Catalog{categories: categories, byCode: make(map[string]*Category, len(categories)),
		byService: make(map[string]*Category, len(categories)), agencies: agencies, zone: zone}
	for i := range o.categories {
		c := &o.categories[i]
		switch {
		case c.Code == "" || c.Name == "":
			return nil, fmt.Errorf("%w: category %d needs a code and a name", ErrCategories, i)
		case o.byCode[c.Code] != nil:
			return nil, fmt.Errorf("%w: category code %q repeated", ErrCategories, c.Code)
		case o.byService[c.serviceCode()] != nil:
			return nil, fmt.Errorf("%w: service code %q repeated (category %q)", ErrCategories, c.serviceCode(), c.Code)
		}
		o.byCode[c.Code], o.byService[c.serviceCode()] = c, c
	}
	return o, nil
}

// Service is one entry of GET services.json (or .xml).
type Service struct {
	XMLName     struct{} `json:"-" xml:"service"`
	ServiceCode string   `json:"service_code" xml:"service_code"`
	ServiceName string   `json:"service_name" xml:"service_name"`
	Description string   `json:"description" xml:"description"`
	Metadata    bool     `json:"metadata" xml:"metadata"`
	Type        string   `json:"type" xml:"type"`
	Keywords    string   `json:"keywords" xml:"keywords"`
	Group       string   `json:"group" xml:"group"`
}

// Services lists the categories as Open311 services, in configured order:
// no extra attributes (metadata false), handled as they come (type
// realtime), keywords comma-separated.
func (o *Catalog) Services() []Service {
	out := make([]Service, len(o.categories))
	for i, c := range o.categories {
		out[i] = Service{ServiceCode: c.serviceCode(), ServiceName: c.Name, Description: c.Description,
			Type: "realtime", Keywords: strings.Join(c.Keywords, ","), Group: c.Group}
	}
	return out
}

// Request is one entry of GET requests.json (or .xml). Lat and
// Long are absent for an incident reported by address only.
type Request struct {
	XMLName           struct{} `json:"-" xml:"request"`
	ServiceRequestID  string   `json:"service_request_id" xml:"service_request_id"`
	Status            string   `json:"status" xml:"status"`
	StatusNotes       string   `json:"status_notes" xml:"status_notes"`
	ServiceName       string   `json:"service_name" xml:"service_name"`
	ServiceCode       string   `json:"service_code" xml:"service_code"`
	Description       string   `json:"description" xml:"description"`
	AgencyResponsible string   `json:"agency_responsible" xml:"agency_responsible"`
	RequestedDatetime string   `json:"requested_datetime" xml:"requested_datetime"`
	UpdatedDatetime   string   `json:"updated_datetime" xml:"updated_datetime"`
	Address           string   `json:"address,omitempty" xml:"address,omitempty"`
	Lat               *float64 `json:"lat,omitempty" xml:"lat,omitempty"`
	Long              *float64 `json:"long,omitempty" xml:"long,omitempty"`
	MediaURL          string   `json:"media_url,omitempty" xml:"media_url,omitempty"`
}

// Open311 status values.
const (
	Open311Open   = "open"
	Open311Closed = "closed"
)

// Status maps our states onto Open311's two: resolved, closed,
// rejected and duplicate are closed (nothing more will be done), every
// other state is open.
func Status(s incident.Status) string {
	if s == incident.StatusResolved || s.Final() {
		return Open311Closed
	}
	return Open311Open
}

// open311Time is ISO 8601 with a numeric offset (never "Z").
const open311Time = "2006-01-02T15:04:05-07:00"

// Request maps an incident onto an Open311 request. status_notes carries
// our state, the level holding it, the original of a duplicate and the
// note of the last transition, e.g. "escalated, held at street level: no
// budget in the community". Datetimes are in the configured zone.
func (o *Catalog) Request(inc incident.Incident) Request {
	notes := fmt.Sprintf("%s, held at %s level", inc.Status, inc.Level)
	if inc.Status == incident.StatusDuplicate {
		notes += ", duplicate of " + string(inc.DuplicateOf)
	}
	if n := len(inc.Events); n > 0 && inc.Events[n-1].Note != "" {
		notes += ": " + inc.Events[n-1].Note
	}
	r := Request{ServiceRequestID: string(inc.ID), Status: Status(inc.Status), StatusNotes: notes,
		Description:       inc.Description,
		AgencyResponsible: o.agency(inc.Level), RequestedDatetime: inc.Reported.In(o.zone).Format(open311Time),
		UpdatedDatetime: inc.Updated.In(o.zone).Format(open311Time), Address: inc.Address, MediaURL: inc.MediaURL}
	c := o.category(inc.Category)
	r.ServiceName, r.ServiceCode = c.Name, c.serviceCode()
	if !slices.Contains(inc.Flags, incident.FlagNoLocation) {
		lat, long := inc.Location[1], inc.Location[0]
		r.Lat, r.Long = &lat, &long
	}
	return r
}

// category is the configured category of an incident category, or the
// DefaultCategory one when it has none.
func (o *Catalog) category(code string) *Category {
	if c := o.byCode[code]; c != nil {
		return c
	}
	return o.byCode[DefaultCategory]
}

// agency names the holder of a level.
func (o *Catalog) agency(l incident.Level) string {
	if name := o.agencies[l]; name != "" {
		return name
	}
	return string(l)
}

// Error is one entry of an Open311 error response (a JSON array).
type Error struct {
	XMLName     struct{} `json:"-" xml:"error"`
	Code        int      `json:"code" xml:"code"`
	Description string   `json:"description" xml:"description"`
}

// Errors is the error body Open311 clients expect for err answered
// with HTTP status code.
func Errors(code int, err error) []Error {
	return []Error{{Code: code, Description: err.Error()}}
}
