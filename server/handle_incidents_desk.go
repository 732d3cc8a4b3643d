package server

import (
	"fmt"
	"time"

	"wangge/coverage/incident"
	"wangge/coverage/open311"
)

// desk is what the incident and Open311 routes share: the Open311 mapping
// of the configured categories and each category's handling time limit.
type desk struct {
	open311 *open311.Catalog
	limits  map[string]time.Duration
}

// newDesk makes the desk for the configured categories.
func newDesk(categories []open311.Category, agencies map[incident.Level]string, zone *time.Location) (*desk, error) {
	o, err := open311.NewCatalog(categories, agencies, zone)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrOptions, err)
	}
	return &desk{open311: o, limits: open311.CategoryLimits(categories)}, nil
}
