package postgis

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// ChangedAll is sent by Changes after the listening connection was lost and
// made again: any entity may have changed meanwhile.
const ChangedAll = "*"

// Changes listens on ChangesChannel on a connection of its own and sends
// the entity of every change committed by any process sharing the
// store's schema: "areas", "blocks", "buildings", "roads", "plans", "grids",
// "workers", "key_places" or "tokens", and data.FixesChanged with a
// worker's id for each worker of a batch of new fixes (incidents, written
// all the time, are not announced). A lost connection is made again, after which
// ChangedAll is sent. The channel is closed when ctx ends or the store is
// closed.
func (s *Store) Changes(ctx context.Context) (<-chan string, error) {
	conn, err := s.pgListen(ctx)
	if err != nil {
		return nil, err
	}
	lctx, cancel := context.WithCancel(ctx)
	go func() {
		select {
		case <-s.closing:
			cancel()
		case <-lctx.Done():
		}
	}()
	out := make(chan string, 16)
	go func() {
		defer close(out)
		defer cancel()
		for {
			entity, err := pgNextChange(lctx, conn, s.schema)
			if err != nil {
				pgCloseConn(conn)
				if conn = s.pgRelisten(lctx); conn == nil {
					return
				}
				entity = ChangedAll
			}
			select {
			case out <- entity:
			case <-lctx.Done():
				pgCloseConn(conn)
				return
			}
		}
	}()
	return out, nil
}

// pgChange is the payload of a notification on ChangesChannel. The channel
// is shared by the whole database, so the payload names the schema the
// store lives in and listeners skip the changes of other schemas.
type pgChange struct {
	Entity string `json:"entity"`
	Schema string `json:"schema"`
}

// pgListen takes a connection out of the pool for good and listens on it.
func (s *Store) pgListen(ctx context.Context) (*pgx.Conn, error) {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("data: listen for changes: %w", err)
	}
	conn := pc.Hijack()
	if _, err := conn.Exec(ctx, "LISTEN "+ChangesChannel); err != nil {
		pgCloseConn(conn)
		return nil, fmt.Errorf("data: listen for changes: %w", err)
	}
	return conn, nil
}

// pgRelisten listens again after the connection was lost, waiting longer
// after each failure; it returns nil once ctx ends.
func (s *Store) pgRelisten(ctx context.Context) *pgx.Conn {
	wait := 100 * time.Millisecond
	for {
		if ctx.Err() != nil {
			return nil
		}
		if conn, err := s.pgListen(ctx); err == nil {
			return conn
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return nil
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// pgNextChange waits for the next notification and returns its entity.
// Payloads of other schemas, or not ours at all, are skipped.
func pgNextChange(ctx context.Context, conn *pgx.Conn, schema string) (string, error) {
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return "", err
		}
		var p pgChange
		if json.Unmarshal([]byte(n.Payload), &p) == nil && p.Entity != "" && p.Schema == schema {
			return p.Entity, nil
		}
	}
}

// pgCloseConn closes a hijacked connection, giving up after a second.
func pgCloseConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	conn.Close(ctx)
}
