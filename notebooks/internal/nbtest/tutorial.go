package nbtest

// Tutorial is the file name of the tutorial notebook, in Dir.
const Tutorial = "classify_text_with_embeddings.ipynb"

// TutorialExpect returns what the tutorial's cells must show, by cell id,
// in every run. The embedder-specific cells are added by each test.
func TutorialExpect() map[string]Expect {
	return map[string]Expect{
		"load":         {Texts: []string{"alt.atheism", "sci.space", "talk.religion.misc"}},
		"example":      {Texts: []string{"Lines:"}},
		"preprocess":   {MIMEs: []string{"text/html"}, Texts: []string{"Class Name", "rec.autos"}},
		"counts-train": {Texts: []string{"sci.crypt          100", "sci.space          100"}},
		"counts-test":  {Texts: []string{"sci.med            25"}},
		"embed-train":  {MIMEs: []string{"text/html"}, Texts: []string{"<progress", "400/400", "Embeddings", "sci.crypt"}},
		"embed-test":   {MIMEs: []string{"text/html"}, Texts: []string{"100/100", "Embeddings"}},
		"build":        {MIMEs: []string{"text/html"}, Texts: []string{"Total params"}},
		"train":        {Texts: []string{"Epoch 1/20", "val_accuracy", "Trained for"}},
		"evaluate":     {MIMEs: []string{"text/html"}, Texts: []string{"accuracy", "loss"}},
		"plot":         {MIMEs: []string{"image/png"}},
		"confusion":    {MIMEs: []string{"image/png", "text/html"}, Texts: []string{"precision", "macro avg"}},
		"logits":       {MIMEs: []string{"image/png", "text/html"}, Texts: []string{"plain logits"}},
		"compare":      {MIMEs: []string{"image/png", "text/html"}, Texts: []string{"the run above", "test accuracy"}},
		"predict":      {MIMEs: []string{"text/html"}, Texts: []string{"predicted group", "Saved sigmoid then softmax (tutorial) to classifier.mlp"}},
	}
}

// DummyKey is the key Gemini runs use against the fake server; it must
// never show in outputs.
const DummyKey = "dummy-key-7f3a9c1e5b"
