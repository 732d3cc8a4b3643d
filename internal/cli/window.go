package cli

import (
	"errors"
	"flag"
	"fmt"

	"wangge/internal/window"
)

// envZone gives the default of --tz, as it gives the zone of wangge serve.
const envZone = "WANGGE_ZONE"

// zoneFlag adds --tz: the time zone of plain dates, WANGGE_ZONE or
// window.DefaultZone by default.
func zoneFlag(fs *flag.FlagSet, p *string, usage string) {
	fs.StringVar(p, "tz", envOr(envZone, window.DefaultZone), usage+", an IANA `zone` (env "+envZone+")")
}

// windowFlagError says a *window.Error in the words of the command line:
// the flag it is about (--from, --to, --date, --tz), the value and why.
func windowFlagError(err error) error {
	var we *window.Error
	if !errors.As(err, &we) {
		return err
	}
	name := "--" + we.Field
	if errors.Is(err, window.ErrZone) {
		name = "--tz"
	}
	return fmt.Errorf("%s %q: %s", name, we.Value, we.Reason)
}
