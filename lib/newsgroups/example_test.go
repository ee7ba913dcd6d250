package newsgroups_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/embedclassify/embedclassify/lib/frame"
	"github.com/embedclassify/embedclassify/lib/newsgroups"
)

// testdata/tiny-bydate.tar.gz is a five-document miniature of the by-date
// archive. Without Path, Load uses $EMBEDCLASSIFY_DATA or the cached (or
// downloaded) canonical archive.
func ExampleLoad() {
	ds, err := newsgroups.Load(context.Background(), newsgroups.Options{Path: "testdata/tiny-bydate.tar.gz"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ds.TargetNames)
	for i := range ds.Len() {
		fmt.Println(ds.Filenames[i], ds.Target[i])
	}
	// Output:
	// [comp.graphics sci.med sci.space]
	// comp.graphics/38001 0
	// sci.space/61002 2
	// sci.med/59001 1
	// sci.med/59002 1
	// sci.space/61001 2
}

// Remove strips headers, signatures and quoted replies with scikit-learn's
// rules; Categories keeps some groups and renumbers their targets.
func ExampleLoad_options() {
	ds, err := newsgroups.Load(context.Background(), newsgroups.Options{
		Path:       "testdata/tiny-bydate.tar.gz",
		Categories: []string{"sci.space"},
		Remove:     []string{newsgroups.Headers, newsgroups.Footers, newsgroups.Quotes},
		NoShuffle:  true,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ds.TargetNames, ds.Target)
	fmt.Printf("%q\n", ds.Data)
	// Output:
	// [sci.space] [0 0]
	// ["The launch window opens at dawn." "Mars is 1.5 AU from the Sun (on average).\n"]
}

func ExamplePreprocess() {
	fmt.Printf("%q\n", newsgroups.Preprocess("From: josé@exämple.org (José)\nSubject: Re: Orbits\n\nSee kepler@nasa.gov (ask Kepler)."))
	// Output: " Re: Orbits\n\nSee  ."
}

// PreprocessFrame builds the tutorial's table; frame.Sample draws from it.
func ExamplePreprocessFrame() {
	ds, err := newsgroups.Load(context.Background(), newsgroups.Options{Path: "testdata/tiny-bydate.tar.gz"})
	if err != nil {
		log.Fatal(err)
	}
	df := newsgroups.PreprocessFrame(ds)
	fmt.Println(df.Head(3))
	sci, err := frame.Sample(df, 1, "sci", 0)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sci.Classes(), sci.EncodedLabel)
	// Output:
	//                                                Text  Label     Class Name
	// 0        Ray tracing\nLines: 1\n\nPOV-Ray is free.\n      0  comp.graphics
	// 1   Re: Mars orbit\nLines: 2\n\nMars is 1.5 AU fr...      2      sci.space
	// 2   Vitamin C\nLines: 2\n\nNo evidence it cures c...      1        sci.med
	// [sci.med sci.space] [0 1]
}

func ExampleStripFooters() {
	fmt.Printf("%q\n", newsgroups.StripFooters("Thanks for the help.\n\n-- \nAnn, Moon U\n"))
	// Output: "Thanks for the help.\n"
}

func ExampleStripQuotes() {
	fmt.Printf("%q\n", newsgroups.StripQuotes("In article <1@x> bob writes:\n> Is it delayed?\nNo, it is on time."))
	// Output: "No, it is on time."
}

// Write exports documents as `embedclassify data` does; Head keeps the
// first documents of each group.
func ExampleWrite() {
	ds, err := newsgroups.Load(context.Background(), newsgroups.Options{Path: "testdata/tiny-bydate.tar.gz"})
	if err != nil {
		log.Fatal(err)
	}
	head := ds.Head(1)
	texts := make([]string, head.Len())
	for i := range texts {
		texts[i] = fmt.Sprintf("text of %s", head.Filenames[i])
	}
	if err := newsgroups.Write(context.Background(), os.Stdout, newsgroups.CSV, head, texts); err != nil {
		log.Fatal(err)
	}
	// Output:
	// file,label,class,text
	// comp.graphics/38001,0,comp.graphics,text of comp.graphics/38001
	// sci.space/61002,2,sci.space,text of sci.space/61002
	// sci.med/59001,1,sci.med,text of sci.med/59001
}
