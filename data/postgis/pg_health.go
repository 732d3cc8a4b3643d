package postgis

import (
	"context"
	"fmt"
)

// CheckWrite reports whether the database takes a write: it rewrites the
// one row of wangge_health with the time and commits, so that a full
// disk, a read-only database or a standby is an error.
func (s *Store) CheckWrite(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO wangge_health (id, checked) VALUES (1, now())
		ON CONFLICT (id) DO UPDATE SET checked = excluded.checked`)
	if err != nil {
		return fmt.Errorf("data: postgis write check: %w", err)
	}
	return nil
}
