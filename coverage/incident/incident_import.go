package incident

import (
	"fmt"
	"slices"
	"time"
)

// ImportStates are the states an incident may be imported in from a
// city's export: all but escalated, returned and duplicate, which need
// more than one row says (the level it went to, the original).
var ImportStates = []Status{StatusDiscovered, StatusReported, StatusAccepted, StatusHandling,
	StatusResolved, StatusClosed, StatusRejected}

// Imported creates an incident from a row of an export: Create with
// draft's Status when it is a starting one, else Create as reported
// followed by one event to draft.Status by actor at the same time, noted
// "status in the export", so that the history says where the state came
// from. A closed incident imported so has no feedback score.
func Imported(draft Incident, actor Actor, at time.Time, note string, locator GridLocator) (Incident, error) {
	to := draft.Status
	if !slices.Contains(ImportStates, to) && to != "" {
		return Incident{}, fmt.Errorf("%w: incident %s: cannot import as %q", ErrCreate, draft.ID, to)
	}
	if to == "" || to == StatusReported || to == StatusDiscovered {
		return Create(draft, actor, at, note, locator)
	}
	draft.Status = StatusReported
	inc, err := Create(draft, actor, at, note, locator)
	if err != nil {
		return inc, err
	}
	inc.Events = append(inc.Events, Event{Time: at, Actor: actor.String(), From: StatusReported, To: to,
		Level: inc.Level, Note: "status in the export"})
	inc.Status = to
	return inc, nil
}
