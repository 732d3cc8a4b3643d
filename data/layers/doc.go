// Package layers builds territory from the GIS layers cities hold: street
// lines, building and block polygons in GeoJSON files or GeoPackage
// tables, with their fields mapped by name. Streets become blocks through
// the same path as OpenStreetMap roads (geo.Blocks), and buildings get
// households from a mapped field or the estimate of package osm
// (osm.Households), so the same streets and buildings give the same
// blocks whichever file they came from.
package layers
