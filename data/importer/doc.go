// Package importer reads blocks and incidents from the files planners and
// cities have: DecodeBlocks a GeoJSON FeatureCollection of blocks,
// DecodeIncidentsCSV and DecodeIncidentsGeoJSON reported incidents. A whole
// file is decoded before anything is stored, so a bad file stores nothing;
// an *Error names its file, line or feature, and field.
package importer
