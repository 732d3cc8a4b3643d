package pgtest

import (
	"context"
	"testing"
)

func TestSchemaIsFreshAndHasPostGIS(t *testing.T) {
	conn := Conn(t)
	var schema, version string
	if err := conn.QueryRow(context.Background(), "SELECT current_schema(), postgis_version()").Scan(&schema, &version); err != nil {
		t.Fatal(err)
	}
	if len(schema) != 14 || schema[:2] != "t_" {
		t.Fatalf("current schema %q is not a fresh test schema", schema)
	}
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM pg_tables WHERE schemaname = $1", schema).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("fresh schema holds %d tables", n)
	}
}
