// Package postgis is the store in PostgreSQL with PostGIS, through a
// pgxpool: GiST indexes on the feature tables, month partitions of the
// track table written by COPY, and LISTEN/NOTIFY (Changes) so that several
// stateless servers see each other's changes.
package postgis
