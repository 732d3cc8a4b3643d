// Package storetest is the conformance suite every data.Store passes.
//
// An implementation's test calls Run with an Opener: a function that opens
// a fresh, empty store and returns it with a function that opens another
// store over the same data, both to reopen it and to run a second store
// beside the first, as several processes would:
//
//	func TestGeoPackage(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) (data.Store, func() data.Store) {
//			path := filepath.Join(t.TempDir(), "s.gpkg")
//			open := func() data.Store { … OpenGeoPackage(ctx, path) … }
//			return open(), open
//		})
//	}
//
// The suite uses real blocks of Providence, RI (../shared/data beside the
// repository root); the tests that need them skip, naming the file, when it
// is missing.
package storetest
