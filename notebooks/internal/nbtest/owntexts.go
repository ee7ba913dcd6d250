package nbtest

// OwnTexts is the file name of the own-texts notebook, in Dir.
const OwnTexts = "classify_your_own_texts.ipynb"

// OwnTextsExpect returns what each code cell of the own-texts notebook
// must show, by cell id.
func OwnTextsExpect() map[string]Expect {
	groups := []string{"comp.graphics", "rec.sport.hockey", "sci.space", "talk.politics.guns"}
	return map[string]Expect{
		"export":    {MIMEs: []string{"text/html"}, Texts: []string{"500 posts (the first 125 of each of 4 groups) to my_texts.csv"}},
		"read":      {MIMEs: []string{"text/html"}, Texts: []string{"Class Name", "Text"}},
		"counts":    {Texts: append([]string{"125"}, groups...)},
		"split":     {MIMEs: []string{"text/html"}, Texts: []string{"training rows", "test rows", "400", "100"}},
		"embedder":  {Texts: []string{"Embedding"}},
		"embed":     {MIMEs: []string{"text/html"}, Texts: []string{"<progress", "400/400", "100/100", "Embeddings"}},
		"train":     {Texts: []string{"Epoch 1/20", "val_accuracy", "Trained for"}},
		"evaluate":  {MIMEs: []string{"text/html"}, Texts: []string{"accuracy", "loss"}},
		"plot":      {MIMEs: []string{"image/png"}},
		"confusion": {MIMEs: []string{"image/png", "text/html"}, Texts: append([]string{"precision", "macro avg"}, groups...)},
		"predict":   {MIMEs: []string{"text/html"}, Texts: append([]string{"Saved plain logits to my_classifier.mlp", "predicted group"}, groups...)},
	}
}
