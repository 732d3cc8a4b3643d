package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/internal/app"
	"wangge/partition"
	"wangge/server"
)

// tokenCommands are the subcommands of `wangge token`.
func tokenCommands() []command {
	return []command{
		{"create", "make a token and print its secret once", runTokenCreate},
		{"list", "list the tokens of a store (never their secrets)", runTokenList},
		{"revoke", "delete a token, named by its id or its secret", runTokenRevoke},
	}
}

func tokenUsage(w io.Writer) {
	listCommands(w, "usage: wangge token create|list|revoke [flags]   (wangge token SUBCOMMAND --help for its flags)", "subcommands", tokenCommands())
}

// runToken is `wangge token create|list|revoke`.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return dispatch(ctx, args, stdout, stderr, tokenCommands(), tokenUsage, "wangge token: unknown subcommand")
}

// tokenCreateOptions is the parsed command line of `wangge token create`.
type tokenCreateOptions struct {
	role   data.Role
	worker patrol.WorkerID
	grid   partition.GridID
	db     string
}

// parseTokenCreate parses the command line of `wangge token create`. A
// leader's token needs the grid it leads and a worker's the worker it acts
// as: without them the token could reach nothing.
func parseTokenCreate(args []string, stderr io.Writer) (tokenCreateOptions, error) {
	var o tokenCreateOptions
	var role, worker, grid string
	fs := newFlags("token create", stderr,
		"usage: wangge token create --role ROLE [--worker ID] [--grid ID] [--db …]",
		"Prints the new token's secret once on stdout; only its hash is stored.",
		"A leader's token needs --grid, a worker's --worker.")
	fs.StringVar(&role, "role", "", "the token's `role`: admin, planner, leader, worker or viewer (required)")
	fs.StringVar(&worker, "worker", "", "the worker `ID` a worker's token acts as (required for a worker)")
	fs.StringVar(&grid, "grid", "", "the grid `ID` a leader's token is scoped to (required for a leader)")
	dbFlag(fs, &o.db)
	if err := parseFlags(fs, args); err != nil {
		return o, err
	}
	o.role, o.worker, o.grid = data.Role(role), patrol.WorkerID(worker), partition.GridID(grid)
	switch {
	case !o.role.Valid():
		return o, badUsage(fs, "--role %q: want admin, planner, leader, worker or viewer", role)
	case o.role == data.RoleLeader && o.grid == "":
		return o, badUsage(fs, "a leader token needs --grid, the grid it leads")
	case o.role == data.RoleWorker && o.worker == "":
		return o, badUsage(fs, "a worker token needs --worker, the worker it acts as")
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
// stderr what it made, and in which store.
func makeToken(ctx context.Context, o tokenCreateOptions, stdout, stderr io.Writer) error {
	return withStore(ctx, o.db, func(store data.Store) error {
		secret, tok, err := app.CreateToken(ctx, store, o.role, o.worker, o.grid)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, secret)
		fmt.Fprintf(stderr, "wangge: created %s token %s in %s; the secret above is shown only this once\n",
			tok.Role, tok.ID, redactDSN(o.db))
		return nil
	})
}

// tokenListOptions is the parsed command line of `wangge token list`.
type tokenListOptions struct {
	db string
}

func parseTokenList(args []string, stderr io.Writer) (tokenListOptions, error) {
	var o tokenListOptions
	fs := newFlags("token list", stderr,
		"usage: wangge token list [--db …]",
		"Lists each token's id, role, worker, grid and creation time; the secrets are not kept anywhere.")
	dbFlag(fs, &o.db)
	err := parseFlags(fs, args)
	return o, err
}

// runTokenList is `wangge token list`.
func runTokenList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseTokenList(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return withStore(ctx, o.db, func(store data.Store) error {
		return listTokens(ctx, store, o.db, stdout, stderr)
	})
}

// listTokens prints the tokens of store, one a line, and says on stderr
// how many db holds.
func listTokens(ctx context.Context, store data.Store, db string, stdout, stderr io.Writer) error {
	tokens, err := store.Tokens(ctx)
	if err != nil {
		return fmt.Errorf("list tokens of %s: %w", redactDSN(db), err)
	}
	printTokens(stdout, tokens)
	fmt.Fprintf(stderr, "wangge: %d tokens in %s\n", len(tokens), redactDSN(db))
	return nil
}

// printTokens prints a table of the tokens' id, role, worker, grid and
// creation time: never a secret or its hash. An empty scope prints as -.
func printTokens(w io.Writer, tokens []data.Token) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tROLE\tWORKER\tGRID\tCREATED")
	orDash := func(s string) string {
		if s == "" {
			return "-"
		}
		return s
	}
	for _, t := range tokens {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, orDash(string(t.Worker)), orDash(string(t.Grid)),
			t.Created.UTC().Format(time.RFC3339))
	}
	tw.Flush()
}

// tokenRevokeOptions is the parsed command line of `wangge token revoke`:
// the token is named by its id, or by its secret (wg_…).
type tokenRevokeOptions struct {
	id, secret string
	db         string
}

func parseTokenRevoke(args []string, stderr io.Writer) (tokenRevokeOptions, error) {
	var o tokenRevokeOptions
	fs := newFlags("token revoke", stderr,
		"usage: wangge token revoke ID|SECRET [--db …]",
		"Deletes the token with this id (wangge token list shows them), or with this secret ("+server.SecretPrefix+"…).")
	dbFlag(fs, &o.db)
	names, err := parsePositional(fs, args, 1, "one token ID or secret")
	if err != nil {
		return o, err
	}
	if strings.HasPrefix(names[0], server.SecretPrefix) {
		o.secret = names[0]
	} else {
		o.id = names[0]
	}
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

// revokeToken deletes the token o names; a secret is looked up by its
// hash, and is never repeated in a message.
func revokeToken(ctx context.Context, o tokenRevokeOptions, stderr io.Writer) error {
	return withStore(ctx, o.db, func(store data.Store) error {
		id := o.id
		if o.secret != "" {
			tok, err := store.TokenByHash(ctx, app.HashSecret(o.secret))
			if errors.Is(err, data.ErrNotFound) {
				return fmt.Errorf("no token in %s has this secret: %w", redactDSN(o.db), err)
			}
			if err != nil {
				return fmt.Errorf("look up the token of a secret in %s: %w", redactDSN(o.db), err)
			}
			id = tok.ID
		}
		if err := store.DeleteToken(ctx, id); err != nil {
			if errors.Is(err, data.ErrNotFound) {
				return fmt.Errorf("token %s does not exist in %s: %w", id, redactDSN(o.db), err)
			}
			return fmt.Errorf("revoke token %s in %s: %w", id, redactDSN(o.db), err)
		}
		fmt.Fprintf(stderr, "wangge: revoked token %s in %s\n", id, redactDSN(o.db))
		return nil
	})
}
