// Package config is the configuration of wangge serve: a TOML file (see
// wangge.example.toml at the root of the repository), overridden by
// environment variables, overridden by command-line flags, validated once
// and passed down as server.Options. Nothing here is a package global.
//
//	cfg, err := config.Parse(r)          // or config.Load(path); config.Default() without a file
//	applied, err := cfg.ApplyEnv(os.Getenv)
//	err = cfg.Validate()
//	opts := cfg.ServerOptions()          // add the Store and the Logger
//
// Decoding is strict: a key the file may not have, a value of the wrong
// type or a value that does not parse (a duration, a time zone) is one
// error naming the key, with the line and column where the TOML library
// gives them (*Error).
//
// Settings: addr and db (the listening address and the store), zone (the
// IANA time zone of plain dates and of Open311 datetimes, Asia/Shanghai by
// default: internal/window), [cors] allowed_origins, [map] (the map
// page's raster basemap, its CRS and attribution), [limits] (body_bytes
// and the read_header, read, write, idle and shutdown timeouts as Go
// durations such as "30s"), [agencies] (who holds each incident level:
// grid, community, street, city) and [[categories]] (the incident
// categories with their Open311 service codes; server.DefaultCategories
// when none).
//
// Environment variables: every setting that is a single value or a list
// of strings is WANGGE_ followed by its key path in upper case with dots
// as underscores: WANGGE_ADDR, WANGGE_DB, WANGGE_ZONE,
// WANGGE_CORS_ALLOWED_ORIGINS (comma-separated), WANGGE_LIMITS_BODY_BYTES,
// WANGGE_LIMITS_WRITE_TIMEOUT, WANGGE_AGENCIES_STREET and so on. An empty
// variable is unset. Categories are set in the file only.
package config
