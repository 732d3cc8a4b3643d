// Package osm derives the territory from an OpenStreetMap extract: Import
// polygonizes the streets into blocks (with households estimated from the
// buildings), and keeps the buildings and roads; Save stores the three
// layers so that a failure leaves the store as it was. A rejected extract
// is an *Error naming the file.
package osm
