package mlp_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/embedclassify/embedclassify/lib/mlp"
)

// blobs returns n examples of dim features in k well separated classes.
func blobs(n, dim, k int) ([][]float32, []int) {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([][]float32, n)
	y := make([]int, n)
	for i := range x {
		y[i] = i % k
		x[i] = make([]float32, dim)
		for j := range x[i] {
			x[i][j] = float32(0.1 * r.NormFloat64())
		}
		x[i][y[i]] += 1
	}
	return x, y
}

func Example() {
	x, y := blobs(500, 16, 4)
	model, err := mlp.New(16, 4, mlp.Config{Seed: 1})
	if err != nil {
		panic(err)
	}
	model.SetClasses([]string{"sci.crypt", "sci.electronics", "sci.med", "sci.space"})
	hist, err := model.Fit(context.Background(), x[:400], y[:400], x[400:], y[400:], nil)
	if err != nil {
		panic(err)
	}
	_, acc, _ := model.Evaluate(x[400:], y[400:])
	names, _ := model.PredictNames(x[400:403])
	fmt.Println("early stopping after epoch", hist.StoppedEpoch)
	fmt.Printf("validation accuracy: %.1f\n", acc)
	fmt.Println(names)
	// Output:
	// early stopping after epoch 15
	// validation accuracy: 1.0
	// [sci.crypt sci.electronics sci.med]
}

func ExampleModel_Summary() {
	model, _ := mlp.New(3072, 4, mlp.Config{})
	fmt.Print(model.Summary())
	// Output:
	// Model: "functional"
	// ┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
	// ┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
	// ┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
	// │ input_layer (InputLayer)        │ (None, 3072)           │             0 │
	// ├─────────────────────────────────┼────────────────────────┼───────────────┤
	// │ dense (Dense)                   │ (None, 3072)           │     9,440,256 │
	// ├─────────────────────────────────┼────────────────────────┼───────────────┤
	// │ dense_1 (Dense)                 │ (None, 4)              │        12,292 │
	// └─────────────────────────────────┴────────────────────────┴───────────────┘
	//  Total params: 9,452,548 (36.06 MB)
	//  Trainable params: 9,452,548 (36.06 MB)
	//  Non-trainable params: 0 (0.00 B)
}

func ExampleEpochResult_String() {
	r := mlp.EpochResult{Epoch: 3, Epochs: 20, Steps: 13, Loss: 0.8322, Accuracy: 0.9125,
		HasVal: true, ValLoss: 0.8526, ValAccuracy: 0.9, Duration: 676e6}
	fmt.Println(r)
	// Output:
	// Epoch 3/20
	// 13/13 ━━━━━━━━━━━━━━━━━━━━ 1s 52ms/step - accuracy: 0.9125 - loss: 0.8322 - val_accuracy: 0.9000 - val_loss: 0.8526
}

func ExampleLoad() {
	model, _ := mlp.New(8, 3, mlp.Config{Hidden: 5, Seed: 7})
	model.SetClasses([]string{"sci.crypt", "sci.med", "sci.space"})
	var file bytes.Buffer // or model.SaveFile("classifier.mlp")
	if err := model.Save(&file); err != nil {
		panic(err)
	}
	loaded, err := mlp.Load(&file)
	if err != nil {
		panic(err)
	}
	fmt.Println(loaded.InputSize(), loaded.HiddenSize(), loaded.NumClasses(), loaded.Classes)
	fmt.Println(loaded.CheckShape(3072, 3))
	// Output:
	// 8 5 3 [sci.crypt sci.med sci.space]
	// mlp: the model maps 8 features to 3 classes, but the data has 3072 features and 3 classes
}
