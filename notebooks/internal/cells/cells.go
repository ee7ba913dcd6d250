// Package cells holds the cells of the project's notebooks, so that their
// text is reviewed and changed as Go source; cmd gen writes the .ipynb
// files from them.
package cells

import (
	"slices"
	"strings"

	"github.com/embedclassify/embedclassify/internal/ipynb"
)

// cells are the tutorial notebook's cells, in the order of the Gemini
// cookbook's "Classify text with embeddings", whose steps they follow. The
// prose is the project's own.
var cells = []cell{
	md("licence", `
##### Copyright 2025 Google LLC; Go port copyright 2026 the embedclassify authors.

´´´
Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    https://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
´´´
`),
	md("title", `
# Classify text with embeddings, in Go

A Go port of the Gemini API cookbook notebook of the same name, running on the [GoNB](https://github.com/janpfeifer/gonb) kernel.
With a Gemini key it embeds about a thousand posts, in batches of up to 100; the free tier's rate limits can slow that down, a
paid-tier quota will not.

## Overview

Each newsgroup post becomes a vector (an *embedding*) computed by a Gemini embedding model; a small neural network then learns,
from those vectors alone, to tell which of four science newsgroups a post was written for.
The cells keep the order and the steps of the Python original; the work itself lives in this repository's Go packages
(´lib/newsgroups´, ´lib/frame´, ´lib/embedding´, ´lib/mlp´, ´lib/metrics´, ´plots´), so each cell stays about as short as its Python twin.
`),
	md("setup-md", `
## Setup

Where the Python notebook installs the SDK with pip, Go fetches its dependencies by itself. The one thing to set up is where the
cells find this repository's packages: the next cell makes a Go workspace holding GoNB's scratch module and the folder above this
notebook (the repository), and ´%goworkfix´ adds the matching ´replace´ rules.
`),
	code("setup", `
!*rm -f go.work && go work init && go work use . "$GONB_DIR/.."
%goworkfix
`),
	md("key-md", `
### The API key

The Gemini client takes its key from the environment: set ´GEMINI_API_KEY´ (or ´GOOGLE_API_KEY´) before starting Jupyter, for example
´GEMINI_API_KEY=... jupyter notebook´. The notebook never prints the key; the cell below only tells where it found one.

Without a key everything still runs: the embeddings then come from the project's offline embedder (TF-IDF weights reduced by LSA,
fitted on the training posts), so the accuracy differs from Gemini's but every step is the same.
`),
	code("key", `
import (
	"github.com/embedclassify/embedclassify/lib/embedding/gemini"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

%%
if src := gemini.KeySource(); src != "" {
	notebook.Notice("Gemini is configured (key from %s): the embeddings come from Gemini.", src)
} else if gemini.Configured() {
	notebook.Notice("Gemini is configured (Vertex AI settings): the embeddings come from Gemini.")
} else {
	notebook.Warning("No GEMINI_API_KEY in the environment: this run embeds with the offline TF-IDF + LSA embedder instead of Gemini.")
}
`),
	md("models-md", `
Choose an embedding model and keep to it: two models place texts in unrelated vector spaces, so their vectors must never be mixed
or compared. This cell asks the API which models offer ´embedContent´:
`),
	code("models", `
%%
if !gemini.Configured() {
	fmt.Println("No key, so no model list: the offline embedder needs no model from the API.")
	return
}
ctx, stop := notebook.Context()
defer stop()
client := notebook.Must(gemini.NewClient(ctx, nil))
for _, name := range notebook.Must(gemini.ListEmbeddingModels(ctx, client)) {
	fmt.Println(name)
}
`),
	md("model-md", `
### Select the model
`),
	code("model", `
// modelID is the embedding model; "text-embedding-004" is another choice.
const modelID = "gemini-embedding-001"

// outputDims is the length of the vectors: 0 keeps the model's own (3072 for
// gemini-embedding-001; 256 for the offline embedder). 768 or 1536 train
// faster. The environment variable EMBEDCLASSIFY_DIMS overrides it.
var outputDims = notebook.EnvInt("EMBEDCLASSIFY_DIMS", 0)
`),
	md("dataset-md", `
## Prepare the dataset

The [20 Newsgroups](https://scikit-learn.org/stable/datasets/real_world.html#newsgroups-dataset) collection holds about 18,000 Usenet
posts from 20 discussion groups. Its "by date" split puts the older posts in the training set and the later ones in the test set.
´newsgroups.Load´ reads the same archive as scikit-learn's ´fetch_20newsgroups´ (from ´$EMBEDCLASSIFY_DATA´, a local cache, or a
download), in the same order; the frames below stand in for pandas DataFrames.

GoNB runs every cell as a new program, which would reload everything each time: ´notebook.Memo´ keeps slow results for the rest of
the kernel session.
`),
	code("load", `
import "github.com/embedclassify/embedclassify/lib/newsgroups"

func loadSubset(subset string) (*newsgroups.Dataset, error) {
	ctx, stop := notebook.Context()
	defer stop()
	return newsgroups.Load(ctx, newsgroups.Options{Subset: subset})
}

var (
	newsgroupsTrain = notebook.Memo("newsgroups-train", func() (*newsgroups.Dataset, error) { return loadSubset("train") })
	newsgroupsTest  = notebook.Memo("newsgroups-test", func() (*newsgroups.Dataset, error) { return loadSubset("test") })
)

%%
// The names of the 20 classes.
fmt.Println(strings.Join(newsgroupsTrain.TargetNames, "\n"))
`),
	md("example-md", `
One training post, from its ´Lines:´ header to the end:
`),
	code("example", `
%%
post := newsgroupsTrain.Data[0]
fmt.Println(post[strings.Index(post, "Lines"):])
`),
	md("preprocess-md", `
The posts are cleaned as in the tutorial before anything else: e-mail addresses go, so does every parenthesised span (often an
author's name), the ´From: ´ and ´\nSubject: ´ labels are dropped, and each post is cut to its first 5,000 characters.
´newsgroups.PreprocessFrame´ does all of that and returns a frame with the tutorial's columns ´Text´, ´Label´ and ´Class Name´.
`),
	code("preprocess", `
import "github.com/embedclassify/embedclassify/lib/frame"

var (
	dfTrainAll = notebook.Memo("df-train", func() (*frame.Frame, error) { return newsgroups.PreprocessFrame(newsgroupsTrain), nil })
	dfTestAll  = notebook.Memo("df-test", func() (*frame.Frame, error) { return newsgroups.PreprocessFrame(newsgroupsTest), nil })
)

%%
notebook.Show(dfTrainAll.Head(5))
`),
	md("sample-md", `
A smaller problem keeps the run short: draw 100 posts of every group for training and 25 for testing, then keep the four science
groups (the names containing ´sci´). Once the other groups are gone, the remaining class names get new codes, 0 to 3, in the
´Encoded Label´ column. The tutorial's pandas draw is not seeded; ´frame.Sample´ is, so every run uses the same posts.
`),
	code("sample", `
const (
	trainNumSamples = 100
	testNumSamples  = 25
	classesToKeep   = "sci" // keep the classes whose name contains "sci"
	seed            = 0     // seeds the draw and the classifier
)

var (
	dfTrain = notebook.Memo(notebook.Key("sample-train", trainNumSamples, classesToKeep, seed), func() (*frame.Frame, error) {
		return frame.Sample(dfTrainAll, trainNumSamples, classesToKeep, seed)
	})
	dfTest = notebook.Memo(notebook.Key("sample-test", testNumSamples, classesToKeep, seed), func() (*frame.Frame, error) {
		return frame.Sample(dfTestAll, testNumSamples, classesToKeep, seed)
	})
)
`),
	code("counts-train", `
%%
notebook.Show(notebook.Must(dfTrain.ValueCounts(frame.ColClassName)))
`),
	code("counts-test", `
%%
notebook.Show(notebook.Must(dfTest.ValueCounts(frame.ColClassName)))
`),
	md("embed-md", `
## Generate the embeddings

Next, every post of the two frames gets its embedding. Gemini's embedding models take a *task type* that tunes the vectors
for what they will be used for:

Task type | Use the vectors to
--- | ---
´RETRIEVAL_QUERY´ | look up documents: the text is a search query
´RETRIEVAL_DOCUMENT´ | be looked up: the text is one of the documents searched
´SEMANTIC_SIMILARITY´ | measure how close in meaning two texts are
´CLASSIFICATION´ | feed a classifier that assigns labels, as here
´CLUSTERING´ | group texts by similarity

´notebook.SelectEmbedder´ picks Gemini when a key is set and the offline embedder otherwise, and says which it took. The Gemini
embedder sends up to 100 posts per request with several requests in flight, retries throttled calls, and keeps every vector in a
cache on disk, so an interrupted or repeated run only pays for what is missing.
`),
	code("embedder", `
import "github.com/embedclassify/embedclassify/lib/embedding/selector"

var embedder, embedderInfo = notebook.SelectEmbedder(selector.Config{
	Model:    modelID,
	TaskType: "CLASSIFICATION",
	Dims:     outputDims,
}, dfTrain.Text)

%%
notebook.Notice("%s", embedderInfo)
`),
	md("embed-train-md", `
The training posts (interrupt the cell to stop it; run it again to carry on from the cache):
`),
	code("embed-train", `
var trainEmbedded = notebook.Memo(notebook.Key("embed-train", embedder.Model(), outputDims, trainNumSamples, classesToKeep, seed), func() (*frame.Frame, error) {
	return notebook.EmbedFrame(embedder, dfTrain, "Embedding the training posts")
})

%%
notebook.Show(trainEmbedded)
`),
	code("embed-test", `
var testEmbedded = notebook.Memo(notebook.Key("embed-test", embedder.Model(), outputDims, testNumSamples, classesToKeep, seed), func() (*frame.Frame, error) {
	return notebook.EmbedFrame(embedder, dfTest, "Embedding the test posts")
})

%%
notebook.Show(testEmbedded)
`),
	md("build-md", `
## Build a simple classification model

The classifier is the tutorial's: a hidden layer of ReLU units as wide as the embedding, then one output unit per class with a
sigmoid. ´mlp.Model´ plays Keras' part, and like Keras it shuffles the training rows before every epoch.
`),
	code("build", `
import "github.com/embedclassify/embedclassify/lib/mlp"

var (
	embeddingSize = len(trainEmbedded.Embeddings[0])
	classNames    = trainEmbedded.Classes()
)

// buildClassificationModel returns the tutorial's network for inputSize
// inputs and numClasses classes, trained as cfg says.
func buildClassificationModel(inputSize, numClasses int, cfg mlp.Config) (*mlp.Model, error) {
	m, err := mlp.New(inputSize, numClasses, cfg)
	if err != nil {
		return nil, err
	}
	return m, m.SetClasses(classNames)
}

%%
classifier := notebook.Must(buildClassificationModel(embeddingSize, len(classNames), mlp.Config{Seed: seed}))
notebook.ShowHTML(classifier.SummaryHTML())
`),
	md("train-md", `
## Train the model

Training minimises the softmax cross-entropy of the output values (Keras' ´SparseCategoricalCrossentropy(from_logits=True)´) with
Adam at a step size of 0.001, in batches of 32 for at most 20 epochs, and stops early when the accuracy on the training posts has not
improved for 3 epochs. The test posts serve as validation data, as in the tutorial. One line per epoch reports the progress.
`),
	code("train", `
const (
	numEpochs = 20
	batchSize = 32
)

var (
	xTrain, yTrain = trainEmbedded.Embeddings, trainEmbedded.EncodedLabel
	xVal, yVal     = testEmbedded.Embeddings, testEmbedded.EncodedLabel
	trainConfig    = mlp.Config{LearningRate: 0.001, BatchSize: batchSize, Epochs: numEpochs, Patience: 3, Seed: seed}
)

var classifier, history = notebook.Fit(notebook.Key("classifier", embedder.Model(), embeddingSize, trainConfig, trainNumSamples, classesToKeep),
	func() (*mlp.Model, error) { return buildClassificationModel(embeddingSize, len(classNames), trainConfig) },
	xTrain, yTrain, xVal, yVal)

%%
fmt.Printf("Trained for %d epochs.\n", history.Epochs())
`),
	md("evaluate-md", `
## Evaluate model performance

Loss and accuracy on the test posts, which the classifier never trained on:
`),
	code("evaluate", `
%%
loss, accuracy, err := classifier.Evaluate(xVal, yVal)
notebook.Check(err)
notebook.Table([]string{"accuracy", "loss"}, [][]string{{fmt.Sprintf("%.4f", accuracy), fmt.Sprintf("%.4f", loss)}})
`),
	md("plot-md", `
How loss and accuracy moved from epoch to epoch, on the training posts and on the test (validation) posts:
`),
	code("plot", `
import "github.com/embedclassify/embedclassify/plots"

%%
notebook.Show(notebook.Must(plots.History(history)))
`),
	md("confusion-md", `
Accuracy alone does not tell which groups get confused with which. A confusion matrix does: its row is the true group of a post, its
column the group the classifier chose, so everything off the diagonal is a mistake. The report under it gives precision, recall and
F1 per group.
`),
	code("confusion", `
import "github.com/embedclassify/embedclassify/lib/metrics"

%%
yHat := notebook.Must(classifier.PredictClasses(xVal))
for i, name := range classNames {
	fmt.Printf("%d: %s\n", i, name)
}
cm := notebook.Must(metrics.ConfusionMatrix(yVal, yHat, len(classNames)))
notebook.Show(notebook.Must(plots.ConfusionMatrix(cm, classNames)))
notebook.Show(notebook.Must(metrics.ClassificationReport(yVal, yHat, classNames)))
`),
	md("next-md", `
## Next steps

Embeddings serve far beyond classification. The same vectors can rank documents for a search query, flag posts that sit far from
all the others (anomaly detection), or group related posts without any labels (clustering). Gemini's documentation on embeddings
describes the models and task types in more depth.
`),
	md("beyond-md", `
## Beyond the tutorial

Three questions the original leaves open.
`),
	md("logits-md", `
### Sigmoid outputs fed to a loss that expects logits

The tutorial squashes the outputs through a sigmoid and then tells the loss they are logits (´from_logits=True´), so the loss
applies a softmax on top of values confined to (0, 1). The class probabilities it optimises can then never get close to 1, and the
gradients stay small. The usual classifier has a plain linear output (´mlp.Logits´). Both, trained alike on the same vectors:
`),
	code("logits", `
var logitsConfig = mlp.Config{Output: mlp.Logits, LearningRate: 0.001, BatchSize: batchSize, Epochs: numEpochs, Patience: 3, Seed: seed}

var logitsClassifier, logitsHistory = notebook.Fit(notebook.Key("classifier", embedder.Model(), embeddingSize, logitsConfig, trainNumSamples, classesToKeep),
	func() (*mlp.Model, error) { return buildClassificationModel(embeddingSize, len(classNames), logitsConfig) },
	xTrain, yTrain, xVal, yVal)

%%
notebook.Show(notebook.Must(plots.CompareHistories([]plots.NamedHistory{
	{Name: "sigmoid then softmax (tutorial)", History: history},
	{Name: "plain logits", History: logitsHistory},
})))
var rows [][]string
for _, c := range []struct {
	name  string
	model *mlp.Model
}{{"sigmoid then softmax (tutorial)", classifier}, {"plain logits", logitsClassifier}} {
	loss, acc, err := c.model.Evaluate(xVal, yVal)
	notebook.Check(err)
	rows = append(rows, []string{c.name, fmt.Sprintf("%.4f", acc), fmt.Sprintf("%.4f", loss)})
}
notebook.Table([]string{"output layer", "test accuracy", "test loss"}, rows)
`),
	md("compare-md", `
### Other embedders and sizes

How much does the embedding matter? With a Gemini key, the cell trains the same classifier on shorter Gemini vectors (768
dimensions) and on the offline embedder's; without one, on offline embeddings of several sizes. Each variant is embedded, trained
for the same epochs and scored on the test posts; the first bar is the run above.
`),
	code("compare", `
type variant struct {
	name string
	cfg  selector.Config
}

func variants() []variant {
	if gemini.Configured() {
		return []variant{
			{"Gemini, 768 dims", selector.Config{Kind: selector.KindGemini, Model: modelID, TaskType: "CLASSIFICATION", Dims: 768}},
			{"offline, 256 dims", selector.Config{Kind: selector.KindLocal, Dims: 256}},
		}
	}
	return []variant{
		{"offline, 64 dims", selector.Config{Kind: selector.KindLocal, Dims: 64}},
		{"offline, 128 dims", selector.Config{Kind: selector.KindLocal, Dims: 128}},
		{"offline, 512 dims", selector.Config{Kind: selector.KindLocal, Dims: 512}},
	}
}

func newClassifier(inputSize, numClasses int) (*mlp.Model, error) {
	return buildClassificationModel(inputSize, numClasses, trainConfig)
}

var variantAccuracies = notebook.Memo(notebook.Key("variants", gemini.Configured(), modelID, trainConfig, trainNumSamples, testNumSamples, classesToKeep), func() ([]float64, error) {
	var accs []float64
	for _, v := range variants() {
		acc, err := notebook.TestAccuracy(v.name, v.cfg, dfTrain, dfTest, newClassifier)
		if err != nil {
			return nil, err
		}
		accs = append(accs, acc)
	}
	return accs, nil
})

%%
_, accuracy, err := classifier.Evaluate(xVal, yVal)
notebook.Check(err)
labels, accs := []string{fmt.Sprintf("the run above, %d dims", embeddingSize)}, []float64{accuracy}
for i, v := range variants() {
	labels, accs = append(labels, v.name), append(accs, variantAccuracies[i])
}
notebook.Show(notebook.Must(plots.AccuracyBy("embedder", labels, accs)))
`),
	md("predict-md", `
### Save the classifier and classify new text

A trained classifier is worth keeping. ´SaveFile´ writes it with its class names; ´mlp.LoadFile´ reads it back, ready to label
any text embedded by the same embedder. The last column shows the sigmoid quirk once more: squeezed into (0, 1) before the softmax,
four outputs can never give one class more than e/(e+3) ≈ 0.475, however sure the network is; the plain-logits model has no such cap.
`),
	code("predict", `
import (
	"os"
	"path/filepath"
)

%%
path := filepath.Join(os.TempDir(), "embedclassify-classifier.bin")
notebook.Check(classifier.SaveFile(path))
loaded := notebook.Must(mlp.LoadFile(path))
fmt.Printf("Saved to and loaded from %s (%d parameters).\n", path, loaded.NumParams())

sentences := []string{
	"The orbiter's heat shield tiles were inspected before the launch window opened.",
	"Is a 512-bit RSA key still safe against factoring attacks?",
	"My doctor says the rash is an allergic reaction to the antibiotic.",
	"Which op-amp should I use to build a low-noise microphone preamplifier?",
}
ctx, stop := notebook.Context()
defer stop()
vecs := notebook.Must(embedder.Embed(ctx, sentences))
names := notebook.Must(loaded.PredictNames(vecs))
probs := notebook.Must(loaded.Probabilities(vecs))
logitProbs := notebook.Must(logitsClassifier.Probabilities(vecs))
var rows [][]string
for i, s := range sentences {
	rows = append(rows, []string{s, names[i], fmt.Sprintf("%.2f", slices.Max(probs[i])), fmt.Sprintf("%.2f", slices.Max(logitProbs[i]))})
}
notebook.Table([]string{"text", "predicted group", "its probability", "plain logits: top probability"}, rows)
`),
}

// FileName is the tutorial notebook's file name.
const FileName = "classify_text_with_embeddings.ipynb"

// cell is one cell of the notebook: its type, a stable id and its source.
type cell struct {
	kind, id, src string
}

// md makes a markdown cell; ´ stands for a backquote, which Go's raw
// strings cannot hold.
func md(id, src string) cell {
	return cell{ipynb.Markdown, id, strings.ReplaceAll(strings.TrimSpace(src), "´", "`")}
}

// code makes a Go cell.
func code(id, src string) cell {
	return cell{ipynb.Code, id, strings.TrimSpace(src)}
}

// Notebook returns the tutorial notebook with empty outputs.
func Notebook() *ipynb.Notebook { return Subset() }

// Subset returns the tutorial notebook with only the cells of the given
// ids, in the notebook's order, or with all of them when no id is given;
// tests use it to run a few steps.
func Subset(ids ...string) *ipynb.Notebook {
	nb := ipynb.New("gonb", "Go (gonb)", "go")
	for _, c := range cells {
		if len(ids) == 0 || slices.Contains(ids, c.id) {
			nb.Cells = append(nb.Cells, ipynb.Cell{Type: c.kind, ID: c.id, Source: c.src})
		}
	}
	return nb
}
