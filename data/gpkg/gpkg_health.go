package gpkg

import (
	"context"
	"fmt"
)

// CheckWrite reports whether the file takes a write: it rewrites the one
// row of wangge_health (a table of its own, outside gpkg_contents, made
// on first use) with the time and commits, so that a full disk, a file
// made read-only or a lock held past the busy timeout (data.ErrBusy) is
// an error.
func (g *Store) CheckWrite(ctx context.Context) error {
	err := gpkgBusy(func() error {
		tx, err := g.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		for _, q := range []string{
			"CREATE TABLE IF NOT EXISTS wangge_health (id INTEGER PRIMARY KEY, checked TEXT NOT NULL)",
			"INSERT OR REPLACE INTO wangge_health (id, checked) VALUES (1, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
		} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return tx.Commit()
	}())
	if err != nil {
		return fmt.Errorf("data: write check of %s: %w", g.path, err)
	}
	return nil
}
