package app

import (
	"fmt"
	"math"
	"net/url"
	"unicode/utf8"

	"wangge/coverage/incident"
	"wangge/coverage/patrol"
)

// Limits on what clients write, checked by the use cases so that every
// route (JSON, Open311, files) keeps them.
const (
	// MaxDescription is the longest incident description, in characters:
	// Open311 GeoReport v2's limit.
	MaxDescription = 4000
	// MaxShortText is the longest of the other free-text fields (an
	// address, a worker's name, a note), in characters.
	MaxShortText = 500
	// MaxID is the longest id or device id, in bytes.
	MaxID = 200
)

// checkText refuses text over max characters.
func checkText(field, s string, max int) error {
	if n := utf8.RuneCountInString(s); n > max {
		return &FieldError{Field: field, Reason: fmt.Sprintf("%d characters, at most %d", n, max)}
	}
	return nil
}

// checkDraft refuses an incident draft with an over-long text or a media
// URL that is not an absolute http(s) URL (a javascript: or data: URL
// would run in the pages that show it).
func checkDraft(d incident.Incident) error {
	for _, f := range []struct {
		field, s string
		max      int
	}{
		{"description", d.Description, MaxDescription},
		{"address", d.Address, MaxShortText},
		{"category", d.Category, MaxID},
		{"id", string(d.ID), MaxID},
	} {
		if err := checkText(f.field, f.s, f.max); err != nil {
			return err
		}
	}
	if d.MediaURL == "" {
		return nil
	}
	u, err := url.Parse(d.MediaURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(d.MediaURL) > 2048 {
		return &FieldError{Field: "media_url", Reason: "must be an absolute http or https URL of at most 2048 bytes"}
	}
	return nil
}

// checkFix refuses a fix whose accuracy, speed or battery cannot be: a
// negative value (the device decoders read the apps' -1 for "unknown" as
// not reported), a battery over 100%, or a value that is not a number.
func checkFix(i int, p patrol.TrackPoint) error {
	for _, f := range []struct {
		field string
		v     float64
		max   float64
	}{
		{"accuracy", p.Accuracy, math.MaxFloat64},
		{"speed", p.Speed, math.MaxFloat64},
		{"battery", p.Battery, 100},
	} {
		if !(f.v >= 0 && f.v <= f.max) {
			return &FieldError{Field: fmt.Sprintf("[%d].%s", i, f.field),
				Reason: fmt.Sprintf("%v: must be a number from 0 to %g (0: not reported)", f.v, f.max)}
		}
	}
	return nil
}

// checkWorker refuses a worker with an over-long name or ids.
func checkWorker(i int, w patrol.Worker) error {
	where := fmt.Sprintf("[%d].", i)
	if err := checkText(where+"name", w.Name, MaxShortText); err != nil {
		return err
	}
	if len(w.ID) > MaxID || len(w.DeviceID) > MaxID {
		return &FieldError{Field: where + "id", Reason: fmt.Sprintf("ids and device ids are at most %d bytes", MaxID)}
	}
	return nil
}
