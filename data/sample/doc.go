// Package sample bundles the real data `wangge demo` runs on: the
// OpenStreetMap extract of Monaco of 2022-12-30 (Geofabrik), © OpenStreetMap
// contributors, available under the Open Database Licence (ODbL 1.0,
// https://opendatacommons.org/licenses/odbl/). Whatever is derived from it
// and shown must carry Attribution.
package sample
