package frame

import (
	"fmt"
	"slices"
	"strings"

	"github.com/embedclassify/embedclassify/lib/randomstate"
)

// Sample is the tutorial's sample_data: it takes perClass rows from each
// Label group (groups in ascending label order), keeps the classes whose
// name contains classContains, and sets EncodedLabel to the category codes of
// the kept class names (their index in sorted order; see Classes).
//
// Unlike the tutorial's unseeded pandas sample, the draw is reproducible: each
// group is drawn as pandas' x.sample(perClass, random_state=seed) draws it
// (numpy's RandomState(seed).permutation(len(group))[:perClass]), so the
// result equals
//
//	df.groupby('Label', as_index=False).apply(
//	    lambda x: x.sample(perClass, random_state=seed)).reset_index(drop=True)
//
// filtered as sample_data filters it, row labels (Index) included.
// classContains is a plain substring, not a regular expression; "" keeps all
// classes. A kept class with fewer than perClass rows is an error, as is a
// seed outside numpy's range [0, 2**32-1]. f is not modified.
func Sample(f *Frame, perClass int, classContains string, seed int64) (*Frame, error) {
	if f == nil {
		return nil, fmt.Errorf("frame: Sample of a nil frame")
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if perClass <= 0 {
		return nil, fmt.Errorf("frame: Sample needs a positive number of rows per class, got %d", perClass)
	}
	if seed < 0 || seed > randomstate.MaxSeed {
		return nil, fmt.Errorf("frame: Sample seed %d is outside numpy's range [0, %d]", seed, int64(randomstate.MaxSeed))
	}
	if f.Label == nil || f.ClassName == nil {
		return nil, fmt.Errorf("frame: Sample needs the %q and %q columns", ColLabel, ColClassName)
	}
	groups := map[int][]int{}
	for i, l := range f.Label {
		groups[l] = append(groups[l], i)
	}
	labels := make([]int, 0, len(groups))
	for l := range groups {
		labels = append(labels, l)
	}
	slices.Sort(labels)

	var pos, index []int
	for g, l := range labels {
		rows := groups[l]
		name := f.ClassName[rows[0]]
		if !strings.Contains(name, classContains) {
			continue
		}
		if len(rows) < perClass {
			return nil, fmt.Errorf("frame: class %q (label %d) has %d rows, fewer than the %d to sample; lower the number per class",
				name, l, len(rows), perClass)
		}
		perm := randomstate.New(uint32(seed)).Permutation(len(rows))
		for k, p := range perm[:perClass] {
			pos = append(pos, rows[p])
			index = append(index, g*perClass+k)
		}
	}
	if len(pos) == 0 {
		var names []string
		for _, l := range labels {
			names = append(names, f.ClassName[groups[l][0]])
		}
		return nil, fmt.Errorf("frame: no class name contains %q; the classes are %s", classContains, strings.Join(names, ", "))
	}
	out := f.take(pos)
	out.Index = index
	out.encodeLabels()
	return out, nil
}

// KeepClasses returns the rows of f whose class name contains substr ("" keeps
// every row), with EncodedLabel set as Sample sets it (the index of each kept
// class name in sorted order), but without sampling. f is not modified.
func KeepClasses(f *Frame, substr string) (*Frame, error) {
	if f == nil {
		return nil, fmt.Errorf("frame: KeepClasses of a nil frame")
	}
	var pos []int
	for i, c := range f.ClassName {
		if strings.Contains(c, substr) {
			pos = append(pos, i)
		}
	}
	if len(pos) == 0 {
		return nil, fmt.Errorf("frame: no class name contains %q", substr)
	}
	out := f.take(pos)
	out.encodeLabels()
	return out, nil
}

// encodeLabels sets EncodedLabel to pandas' category codes of ClassName: the
// index of each row's class name among the frame's sorted distinct names.
func (f *Frame) encodeLabels() {
	names := slices.Clone(f.ClassName)
	slices.Sort(names)
	names = slices.Compact(names)
	f.EncodedLabel = make([]int, len(f.ClassName))
	for i, name := range f.ClassName {
		f.EncodedLabel[i], _ = slices.BinarySearch(names, name)
	}
}
