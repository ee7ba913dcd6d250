package jupyter_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/embedclassify/embedclassify/internal/jupyter"
)

// Execute a notebook into a new file and report its failed cells. (Not
// run as a test: it needs Jupyter and the notebook's kernel.)
func ExampleJupyter_Execute() {
	ctx := context.Background()
	j, err := jupyter.Find(ctx) // $JUPYTER, jupyter on PATH, /usr/bin/jupyter
	if err != nil {
		log.Fatal(err) // says how to install Jupyter
	}
	nb, err := j.Execute(ctx, "notebooks/classify_text_with_embeddings.ipynb", jupyter.ExecOptions{
		Output:  "/tmp/executed.ipynb",
		Timeout: 10 * time.Minute, // per cell
	})
	if err != nil {
		log.Fatal(err) // an *ExecError lists each failed cell with its message
	}
	fmt.Println(len(nb.Outputs()), "outputs")
}
