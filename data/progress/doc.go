// Package progress draws a one-line progress bar for long command-line
// steps (imports, partitions, benchmarks).
//
// A Bar draws only when its writer is a terminal; on a pipe, a file or a
// test buffer it stays silent, so command output stays clean in scripts
// and CI. Redraws are rate limited, and Add may be called from any number
// of goroutines in a tight loop:
//
//	bar := progress.New(os.Stderr, "blocks.geojson", size, progress.Bytes)
//	r := bar.Reader(f) // counts bytes as they are read
//	...
//	bar.Done()
package progress
