// Package track reads GPS tracks in the formats grid workers' phones and
// public data sets use, and cleans them.
//
// Decoding: every decoder reads a stream and returns patrol.TrackPoints in
// WGS-84 with Speed in m/s, Bearing in degrees, Altitude and Accuracy in
// metres and Battery in percent, converting each format's units on the way:
//
//	DecodeGPX / ScanGPX          GPX 1.1 and 1.0 track points
//	DecodePLT / ScanPLT          GeoLife PLT (altitude in feet)
//	DecodeCSV / ScanCSV          CSV with a header, through a CSVMapping
//	DecodeGeoJSON / ScanGeoJSON  Points with a time, LineStrings with times
//	DecodeOsmAnd                 OsmAnd / Traccar Client query (speed in knots)
//	DecodeOsmAndJSON             Traccar Client JSON (speed m/s, battery 0..1)
//	DecodeOwnTracks              OwnTracks HTTP JSON (vel in km/h)
//
// The Scan forms stream points to a callback for large files. Bad input
// gives one *DecodeError naming the source, the line, byte offset or
// feature, and the field; it wraps one of the Err sentinels of errors.go.
//
// Cleaning: Clean drops, per worker in time order, fixes with a poor
// accuracy, exact duplicates, fixes from the future, speed outliers and
// jump outliers (spikes), and counts each reason in a CleanReport.
package track
