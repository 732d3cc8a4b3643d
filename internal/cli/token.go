package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"wangge/coverage/patrol"
	"wangge/data"
	"wangge/internal/app"
	"wangge/partition"
)

// tokenCreateOptions are the flags of `wangge token create`.
type tokenCreateOptions struct {
	role   string
	worker string
	grid   string
	db     string
}

func tokenUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: wangge token create --role admin|planner|leader|worker|viewer [--worker ID] [--grid ID] [--db …]")
	fmt.Fprintln(w, "       wangge token revoke ID [--db …]")
}

// runToken is `wangge token create|revoke`.
func runToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		tokenUsage(stderr)
		return ErrUsage
	}
	switch args[0] {
	case "create":
		return tokenCreate(ctx, args[1:], stdout, stderr)
	case "revoke":
		return tokenRevoke(ctx, args[1:], stderr)
	case "-h", "-help", "--help", "help":
		tokenUsage(stderr)
		return nil
	}
	fmt.Fprintf(stderr, "wangge token: unknown subcommand %q\n", args[0])
	tokenUsage(stderr)
	return ErrUsage
}

func parseTokenCreate(args []string, stderr io.Writer) (tokenCreateOptions, error) {
	var o tokenCreateOptions
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.role, "role", "", "the token's `role`: admin, planner, leader, worker or viewer (required)")
	fs.StringVar(&o.worker, "worker", "", "the worker `ID` a worker's token acts as")
	fs.StringVar(&o.grid, "grid", "", "the grid `ID` a leader's token is scoped to")
	dbFlag(fs, &o.db)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wangge token create --role ROLE [--worker ID] [--grid ID] [--db …]")
		fmt.Fprintln(stderr, "Prints the new token's secret once on stdout; only its hash is stored.")
		fs.PrintDefaults()
	}
	if err := parseFlags(fs, args); err != nil {
		return o, err
	}
	if !data.Role(o.role).Valid() {
		fmt.Fprintf(stderr, "wangge token create: --role %q: want admin, planner, leader, worker or viewer\n", o.role)
		fs.Usage()
		return o, ErrUsage
	}
	return o, nil
}

func tokenCreate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseTokenCreate(args, stderr)
	if err != nil {
		return helpIsNoError(err)
	}
	return withStore(ctx, o.db, func(store data.Store) error {
		secret, tok, err := app.CreateToken(ctx, store, data.Role(o.role),
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

func tokenRevoke(ctx context.Context, args []string, stderr io.Writer) error {
	var db string
	fs := flag.NewFlagSet("token revoke", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbFlag(fs, &db)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: wangge token revoke ID [--db …]")
		fs.PrintDefaults()
	}
	ids, err := parseInterspersed(fs, args)
	if err != nil {
		return helpIsNoError(usageErr(err))
	}
	if len(ids) != 1 {
		fmt.Fprintf(stderr, "wangge token revoke: want one token ID, got %d\n", len(ids))
		fs.Usage()
		return ErrUsage
	}
	id := ids[0]
	return withStore(ctx, db, func(store data.Store) error {
		if err := store.DeleteToken(ctx, id); err != nil {
			if errors.Is(err, data.ErrNotFound) {
				return fmt.Errorf("token %s does not exist in %s: %w", id, redactDSN(db), err)
			}
			return fmt.Errorf("revoke token %s: %w", id, err)
		}
		fmt.Fprintf(stderr, "wangge: revoked token %s\n", id)
		return nil
	})
}
