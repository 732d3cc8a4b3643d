package layers

import "errors"

// Errors of an import from layers; each is wrapped with the file, layer
// and feature at fault.
var (
	ErrLayerSpec = errors.New("layers: bad layer")     // not FILE.geojson or FILE.gpkg:LAYER
	ErrGeometry  = errors.New("layers: bad geometry")  // a geometry of the wrong type, or invalid
	ErrField     = errors.New("layers: bad field")     // a mapped field that is missing or not a number
	ErrNoStreets = errors.New("layers: no blocks")     // neither streets that enclose a block nor a blocks layer
	ErrMapping   = errors.New("layers: bad field map") // a field that cannot be mapped
)
