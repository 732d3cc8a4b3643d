package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/partition"
	"wangge/server"
)

// tokenCreateOptions are the flags of `wangge token create`.
type tokenCreateOptions struct {
	role   string
	worker string
	grid   string
	db     string
}

// tokenCommands are the subcommands of `wangge token`.
func tokenCommands() []command {
	return []command{
		{"create", "make a token and print its secret once", runTokenCreate},
		{"revoke", "delete a token", runTokenRevoke},
	}
}

func tokenUsage(w io.Writer) {
	listCommands(w, "usage: wangge token create|revoke [flags]   (wangge token SUBCOMMAND --help for its flags)", "subcommands", tokenCommands())
}

// runToken is `wangge token create|revoke`.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, args, stdout, stderr, tokenCommands(), tokenUsage, "wangge token: unknown subcommand")
}

func parseTokenCreate(args []string, stderr io.Writer) (tokenCreateOptions, error) {
	var o tokenCreateOptions
	fs := newFlags("token create", stderr,
		"usage: wangge token create --role ROLE [--worker ID] [--grid ID] [--db …]",
		"Prints the new token's secret once on stdout; only its hash is stored.")
	fs.StringVar(&o.role, "role", "", "the token's `role`: admin, planner, leader, worker or viewer (required)")
	fs.StringVar(&o.worker, "worker", "", "the worker `ID` a worker's token acts as")
	fs.StringVar(&o.grid, "grid", "", "the grid `ID` a leader's token is scoped to")
	dbFlag(fs, &o.db)
	if err := parseFlags(fs, args); err != nil {
		return o, err
	}
	if !data.Role(o.role).Valid() {
		return o, badUsage(fs, "--role %q: want admin, planner, leader, worker or viewer", o.role)
	}
	return o, nil
}

// runTokenCreate is `wangge token create`.
func runTokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseTokenCreate(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return makeToken(ctx, o, stdout, stderr)
}

// makeToken stores a new token, prints its secret on stdout and says on
// stderr what it made, and where.
func makeToken(ctx context.Context, o tokenCreateOptions, stdout, stderr io.Writer) error {
	return withStore(ctx, o.db, func(store data.Store) error {
		secret, tok, err := server.CreateToken(ctx, store, data.Role(o.role),
			patrol.WorkerID(o.worker), partition.GridID(o.grid))
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, secret)
		fmt.Fprintf(stderr, "wangge: created %s token %s in %s; the secret above is shown only this once\n",
			tok.Role, tok.ID, redactDSN(o.db))
		return nil
	})
}

// tokenRevokeOptions is the parsed command line of `wangge token revoke`.
type tokenRevokeOptions struct {
	id string
	db string
}

func parseTokenRevoke(args []string, stderr io.Writer) (tokenRevokeOptions, error) {
	var o tokenRevokeOptions
	fs := newFlags("token revoke", stderr, "usage: wangge token revoke ID [--db …]")
	dbFlag(fs, &o.db)
	ids, err := parsePositional(fs, args, 1, "one token ID")
	if err != nil {
		return o, err
	}
	o.id = ids[0]
	return o, nil
}

// runTokenRevoke is `wangge token revoke`.
func runTokenRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseTokenRevoke(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return revokeToken(ctx, o, stderr)
}

// revokeToken deletes the token.
func revokeToken(ctx context.Context, o tokenRevokeOptions, stderr io.Writer) error {
	return withStore(ctx, o.db, func(store data.Store) error {
		if err := store.DeleteToken(ctx, o.id); err != nil {
			if errors.Is(err, data.ErrNotFound) {
				return fmt.Errorf("token %s does not exist in %s: %w", o.id, redactDSN(o.db), err)
			}
			return fmt.Errorf("revoke token %s: %w", o.id, err)
		}
		fmt.Fprintf(stderr, "wangge: revoked token %s\n", o.id)
		return nil
	})
}
