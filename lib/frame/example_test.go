package frame_test

import (
	"fmt"
	"log"

	"github.com/embedclassify/embedclassify/lib/frame"
)

func tutorialLike() *frame.Frame {
	f := &frame.Frame{}
	names := map[int]string{1: "comp.graphics", 11: "sci.crypt", 14: "sci.space"}
	for i := range 12 {
		l := []int{1, 11, 14}[i%3]
		f.Text = append(f.Text, fmt.Sprintf("post %d about %s\nLines: 3", i, names[l]))
		f.Label = append(f.Label, l)
		f.ClassName = append(f.ClassName, names[l])
	}
	return f
}

func ExampleFrame_String() {
	fmt.Println(tutorialLike().Head(3))
	// Output:
	//                                   Text  Label     Class Name
	// 0  post 0 about comp.graphics\nLines: 3      1  comp.graphics
	// 1      post 1 about sci.crypt\nLines: 3     11      sci.crypt
	// 2      post 2 about sci.space\nLines: 3     14      sci.space
}

// Sample is the tutorial's sample_data, seeded: two rows per label, only the
// classes whose name contains "sci", labels re-encoded in name order.
func ExampleSample() {
	s, err := frame.Sample(tutorialLike(), 2, "sci", 42)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s)
	fmt.Println(s.Classes())
	counts, err := s.ValueCounts("Class Name")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(counts)
	// Output:
	//                               Text  Label Class Name  Encoded Label
	// 2   post 4 about sci.crypt\nLines: 3     11  sci.crypt              0
	// 3  post 10 about sci.crypt\nLines: 3     11  sci.crypt              0
	// 4   post 5 about sci.space\nLines: 3     14  sci.space              1
	// 5  post 11 about sci.space\nLines: 3     14  sci.space              1
	// [sci.crypt sci.space]
	// Class Name
	// sci.crypt    2
	// sci.space    2
	// Name: count, dtype: int64
}

// HTML is the table a notebook shows; in GoNB, display it with
// gonbui.DisplayHTML(f.HTML()).
func ExampleFrame_HTML() {
	f := &frame.Frame{Text: []string{"<b>bold</b> & more"}, Label: []int{3}, ClassName: []string{"comp.sys.ibm.pc.hardware"}}
	fmt.Println(f.HTML())
	// Output:
	// <div>
	// <style scoped>
	//     .dataframe tbody tr th:only-of-type {
	//         vertical-align: middle;
	//     }
	//
	//     .dataframe tbody tr th {
	//         vertical-align: top;
	//     }
	//
	//     .dataframe thead th {
	//         text-align: right;
	//     }
	// </style>
	// <table border="1" class="dataframe">
	//   <thead>
	//     <tr style="text-align: right;">
	//       <th></th>
	//       <th>Text</th>
	//       <th>Label</th>
	//       <th>Class Name</th>
	//     </tr>
	//   </thead>
	//   <tbody>
	//     <tr>
	//       <th>0</th>
	//       <td>&lt;b&gt;bold&lt;/b&gt; &amp; more</td>
	//       <td>3</td>
	//       <td>comp.sys.ibm.pc.hardware</td>
	//     </tr>
	//   </tbody>
	// </table>
	// </div>
}
