package data

import (
	"context"
	"fmt"
)

// ExamineVisitsAgain makes the next examination for visits read every fix
// of its look-back (a zero VisitState), as after key places were added or
// moved.
func ExamineVisitsAgain(ctx context.Context, s PatrolStore) error {
	for {
		st, err := s.VisitState(ctx)
		if err != nil || st.Version == 0 {
			return wrapVisitErr(err)
		}
		stored, err := s.RecordVisits(ctx, nil, st.Version, &VisitState{})
		if err != nil || stored {
			return wrapVisitErr(err)
		}
	}
}

// wrapVisitErr names the visit state in a non-nil err.
func wrapVisitErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("data: visit state: %w", err)
}
