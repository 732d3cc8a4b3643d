// Package open311 maps incidents onto Open311 GeoReport v2: the configured
// categories as services, incidents as service requests, POST forms and
// query filters, without touching HTTP or the store.
package open311
