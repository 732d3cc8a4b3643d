package config_test

import (
	"fmt"
	"strings"

	"wangge/internal/config"
)

// A misspelt key is one line naming it, where it is and what the table
// takes.
func ExampleParse() {
	_, err := config.Parse(strings.NewReader(`
zone = "Asia/Shanghai"

[limits]
body_byte = 1048576
`))
	fmt.Println(err)
	// Output:
	// config: line 5, column 1: limits.body_byte: unknown key; the table takes body_bytes, read_header_timeout, read_timeout, write_timeout, idle_timeout, shutdown_timeout
}
