// Package progress shows how far a long command-line step has got
// (imports, partitions, benchmarks).
//
// A Bar draws one line, label [====    ] 45%  39.3/87.9 MB  6.9 MB/s  ETA 0:07,
// and a Waiting shows the time taken by a step that cannot be measured
// (one database transaction). Both draw only when their writer is a
// terminal; on a pipe, a file or a test buffer they stay silent, so
// command output stays clean in scripts and CI. Bar redraws are rate
// limited, and Add may be called from any number of goroutines in a tight
// loop:
//
//	bar := progress.New(os.Stderr, "blocks.geojson", size, progress.Bytes)
//	blocks, err := importer.DecodeBlocks(bar.Reader(f), name, opts) // counts bytes read
//	bar.Done()
//	wait := progress.Wait(os.Stderr, "storing 3014 blocks")
//	err = store.PutBlocks(ctx, blocks)
//	wait.Done()
package progress
