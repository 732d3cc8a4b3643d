// Package pgtest gives tests a PostGIS database of their own.
//
// Tests read the server from WANGGE_TEST_PG (set by `make test`, which
// installs and starts PostGIS first). Each call makes a fresh schema, so
// tests of several packages can run at once against one database, and
// drops it when the test ends.
package pgtest
