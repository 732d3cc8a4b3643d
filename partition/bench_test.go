package partition_test

import (
	"context"
	"testing"

	"wangge/partition"
)

func BenchmarkPartition(b *testing.B) {
	for _, size := range []struct {
		name string
		n    int
	}{{"1k", 1000}, {"10k", 10000}, {"100k", 100000}} {
		b.Run(size.name, func(b *testing.B) {
			blocks := partition.Mosaic(size.n, 1)
			b.ResetTimer()
			for b.Loop() {
				if _, err := partition.Draw(context.Background(), blocks, partition.BenchOptions()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(size.n)*float64(b.N)/b.Elapsed().Seconds(), "blocks/s")
		})
	}
}
