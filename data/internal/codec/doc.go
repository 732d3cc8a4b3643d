// Package codec holds what both stores share: the text and binary forms of
// attributes, lists, geometries and times, and the checks every Put runs
// before it writes anything, so that both stores refuse the same items with
// the same *data.ItemError.
package codec
