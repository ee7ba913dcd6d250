package lsa

// PeakHeap is peakHeap, for the external tests.
var PeakHeap = peakHeap

// HouseholderFallbacks is householderFallbacks, for the external tests.
var HouseholderFallbacks = &householderFallbacks
