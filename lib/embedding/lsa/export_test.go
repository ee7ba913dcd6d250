package lsa

// PeakHeap is peakHeap, for the external tests.
var PeakHeap = peakHeap
