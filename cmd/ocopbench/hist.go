package main

import (
	"math/bits"
	"time"
)

// histogram records latencies in log-linear buckets: each power of two of
// microseconds is split into subBuckets equal parts, so a quantile is off
// by less than 1/subBuckets (under 1 %) at any scale, in constant memory
// however long a soak runs.
type histogram struct {
	counts [64 * subBuckets]uint64
	n      uint64
	max    time.Duration
	sum    time.Duration
}

const (
	subBits    = 7
	subBuckets = 1 << subBits
)

// bucketOf maps a latency in nanoseconds to its bucket.
func bucketOf(ns uint64) int {
	if ns < subBuckets {
		return int(ns)
	}
	exp := bits.Len64(ns) - subBits // ≥ 1
	return exp*subBuckets + int(ns>>(exp-1)) - subBuckets
}

// upperOf is the largest value of a bucket, the conservative estimate of a
// quantile that falls in it.
func upperOf(b int) uint64 {
	if b < subBuckets {
		return uint64(b)
	}
	exp := b / subBuckets
	sub := b%subBuckets + subBuckets
	return uint64(sub+1)<<(exp-1) - 1
}

func (h *histogram) record(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.counts[bucketOf(uint64(d))]++
	h.n++
	h.sum += d
	if d > h.max {
		h.max = d
	}
}

// merge adds o's records to h.
func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	if o.max > h.max {
		h.max = o.max
	}
}

// quantile returns the latency below which a fraction q of the records lie.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n) + 0.5)
	if rank < 1 {
		rank = 1
	}
	var seen uint64
	for b, c := range h.counts {
		seen += c
		if seen >= rank {
			d := time.Duration(upperOf(b))
			return min(d, h.max)
		}
	}
	return h.max
}

func (h *histogram) mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return h.sum / time.Duration(h.n)
}
