package lesson

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/lib/embedding/selector"
	"github.com/embedclassify/embedclassify/lib/frame"
	"github.com/embedclassify/embedclassify/lib/mlp"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

// settings are the constants of the tutorial notebook's cells.
type settings struct {
	modelID         string
	outputDims      int
	trainNumSamples int
	testNumSamples  int
	classesToKeep   string
	learningRate    float64
	numEpochs       int
	batchSize       int
	patience        int
}

var notebookSettings = settings{"gemini-embedding-001", 0, 100, 25, "sci", 0.001, 20, 32, 3}

// keyed is a declared step.
type keyed interface{ Key() (string, error) }

// declare declares the notebook's steps as its cells do, and returns them
// by the name of the cell variable.
func declare(s settings) map[string]keyed {
	newsgroupsTrain, newsgroupsTest := Fetch20Newsgroups("train"), Fetch20Newsgroups("test")
	dfTrainAll, dfTestAll := PreprocessNewsgroupData(newsgroupsTrain), PreprocessNewsgroupData(newsgroupsTest)
	dfTrain := SampleData(dfTrainAll, s.trainNumSamples, s.classesToKeep)
	dfTest := SampleData(dfTestAll, s.testNumSamples, s.classesToKeep)
	embedder := NewEmbedder(selector.Config{Model: s.modelID, TaskType: "CLASSIFICATION", Dims: s.outputDims}, dfTrain)
	trainEmbedded, testEmbedded := CreateEmbeddings(embedder, dfTrain), CreateEmbeddings(embedder, dfTest)
	compile := Compile{Loss: SparseCategoricalCrossentropy{FromLogits: true}, Optimizer: Adam{LearningRate: s.learningRate}, Metrics: []string{"accuracy"}}
	classifier := BuildClassificationModel(trainEmbedded).Compile(compile)
	fitOptions := FitOptions{ValidationData: testEmbedded, EarlyStopping: &EarlyStopping{Monitor: "accuracy", Patience: s.patience}, BatchSize: s.batchSize, Epochs: s.numEpochs}
	// GoNB initialises the comparison (declared in a later cell) before
	// the history, whose name sorts after it.
	comparison := CompareEmbedders(classifier, testEmbedded, dfTrain, dfTest, fitOptions, Variants(s.modelID)...)
	history := classifier.Fit(trainEmbedded, fitOptions)
	logitsHistory := BuildClassificationModel(trainEmbedded, mlp.Logits).Compile(compile).Fit(trainEmbedded, fitOptions)
	return map[string]keyed{
		"newsgroupsTrain": newsgroupsTrain, "newsgroupsTest": newsgroupsTest,
		"dfTrainAll": dfTrainAll, "dfTestAll": dfTestAll, "dfTrain": dfTrain, "dfTest": dfTest,
		"embedder": embedder, "trainEmbedded": trainEmbedded, "testEmbedded": testEmbedded,
		"history": history, "logitsHistory": logitsHistory, "comparison": comparison,
	}
}

func keys(t *testing.T, s settings) map[string]string {
	t.Helper()
	k := map[string]string{}
	for name, v := range declare(s) {
		key, err := v.Key()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		k[name] = key
	}
	return k
}

// Every memoised step of the notebook is keyed by what it is computed
// from: declared again with the same constants, each has the same key (so
// it is read back, not computed); with one constant changed, exactly the
// steps that depend on it get a new key (so they, and only they, compute
// again).
func TestNotebookStepsKeyedByTheirInputs(t *testing.T) {
	t.Setenv("GEMINI_API_KEY", "")
	t.Setenv("GOOGLE_API_KEY", "")
	base := keys(t, notebookSettings)
	if again := keys(t, notebookSettings); !reflect.DeepEqual(base, again) {
		t.Fatalf("the same constants gave other keys:\n%v\n%v", base, again)
	}
	trainSide := []string{"dfTrain", "embedder", "trainEmbedded", "testEmbedded", "history", "logitsHistory", "comparison"}
	training := []string{"history", "logitsHistory", "comparison"}
	for _, tc := range []struct {
		change  func(*settings)
		changed []string
	}{
		{func(s *settings) { s.testNumSamples = 10 }, []string{"dfTest", "testEmbedded", "history", "logitsHistory", "comparison"}},
		{func(s *settings) { s.trainNumSamples = 50 }, trainSide},
		{func(s *settings) { s.classesToKeep = "rec" }, append([]string{"dfTest"}, trainSide...)},
		{func(s *settings) { s.outputDims = 768 }, []string{"embedder", "trainEmbedded", "testEmbedded", "history", "logitsHistory", "comparison"}},
		{func(s *settings) { s.modelID = "text-embedding-004" }, []string{"embedder", "trainEmbedded", "testEmbedded", "history", "logitsHistory", "comparison"}},
		{func(s *settings) { s.learningRate = 0.01 }, training},
		{func(s *settings) { s.numEpochs = 5 }, training},
		{func(s *settings) { s.batchSize = 16 }, training},
		{func(s *settings) { s.patience = 2 }, training},
	} {
		s := notebookSettings
		tc.change(&s)
		got := keys(t, s)
		var changed []string
		for name, k := range got {
			if k != base[name] {
				changed = append(changed, name)
			}
		}
		slices.Sort(changed)
		want := slices.Sorted(slices.Values(tc.changed))
		if !slices.Equal(changed, want) {
			t.Errorf("settings %+v: steps with a new key %v, want %v", s, changed, want)
		}
	}
}

// synthetic returns a frame of n posts of each of four sci.* classes and
// one other, with embeddings that separate the classes (with noise).
func synthetic(n int, seed uint64) *frame.Frame {
	r := rand.New(rand.NewPCG(seed, 1))
	classes := []string{"rec.autos", "sci.crypt", "sci.electronics", "sci.med", "sci.space"}
	f := &frame.Frame{}
	for c, name := range classes {
		for i := range n {
			f.Text = append(f.Text, fmt.Sprintf("post %d of %s", i, name))
			f.Label = append(f.Label, c)
			f.ClassName = append(f.ClassName, name)
			v := make([]float32, 8)
			for j := range v {
				v[j] = float32(r.NormFloat64())
			}
			v[c] += 1.5
			f.Embeddings = append(f.Embeddings, v)
		}
	}
	return f
}

// The step that bit us: the validation history follows the test sample
// size, and declaring the same training again reads it back.
func TestValidationHistoryFollowsTestSampleSize(t *testing.T) {
	t.Setenv("EMBEDCLASSIFY_MEMO_DIR", t.TempDir())
	all, allTest := FrameOf(synthetic(40, 1)), FrameOf(synthetic(40, 2))
	fit := func(testNumSamples int) *notebook.Value[*History] {
		train := SampleData(all, 30, "sci")
		test := SampleData(allTest, testNumSamples, "sci")
		m := BuildClassificationModel(train).Compile(Compile{Loss: SparseCategoricalCrossentropy{FromLogits: true}, Metrics: []string{"accuracy"}})
		return m.Fit(train, FitOptions{ValidationData: test, Epochs: 3, BatchSize: 16})
	}
	h25 := fit(25)
	a, err := h25.Result()
	if err != nil {
		t.Fatal(err)
	}
	if h25.FromCache() || len(a.History.ValLoss) != 3 {
		t.Fatalf("first training: from cache %v, history %+v", h25.FromCache(), a.History)
	}
	again := fit(25)
	if b, _ := again.Result(); !again.FromCache() || !reflect.DeepEqual(a.History, b.History) {
		t.Errorf("the same training declared again: from cache %v, history %+v, want %+v read back", again.FromCache(), b.History, a.History)
	}
	h10 := fit(10)
	c, err := h10.Result()
	if err != nil {
		t.Fatal(err)
	}
	if h10.FromCache() || reflect.DeepEqual(a.History.ValLoss, c.History.ValLoss) {
		t.Errorf("10 test posts per class: from cache %v, validation loss %v, same as with 25 (%v)", h10.FromCache(), c.History.ValLoss, a.History.ValLoss)
	}
	// Training itself is the same: only the validation differs.
	if !reflect.DeepEqual(a.History.Loss, c.History.Loss) {
		t.Errorf("training loss changed with the validation data: %v, %v", a.History.Loss, c.History.Loss)
	}
}

// Showing a training read back from the cache replays its epoch log under
// the note.
func TestFitShowReplaysEpochLog(t *testing.T) {
	t.Setenv("EMBEDCLASSIFY_MEMO_DIR", t.TempDir())
	train := SampleData(FrameOf(synthetic(20, 3)), 20, "sci")
	fit := func() *notebook.Value[*History] {
		m := BuildClassificationModel(train).Compile(Compile{Loss: SparseCategoricalCrossentropy{FromLogits: true}})
		return m.Fit(train, FitOptions{ValidationData: train, Epochs: 2})
	}
	out := capture(t, func() { notebook.Show(fit()) })
	replayed := capture(t, func() { notebook.Show(fit()) })
	for _, s := range []string{out, replayed} {
		if !strings.Contains(s, "Epoch 2/2") || !strings.Contains(s, "val_accuracy") || !strings.Contains(s, "Trained for 2 epochs.") {
			t.Errorf("output lacks the epoch log:\n%s", s)
		}
	}
	if strings.Contains(out, "cache") || !strings.Contains(replayed, "From the session cache: training sigmoid then softmax (tutorial)") {
		t.Errorf("first run:\n%s\nreplay:\n%s", out, replayed)
	}
}

// The Keras flow: the model summarised is the one Fit trains and
// Evaluate measures; using it before Fit or without Compile says so.
func TestModelFlow(t *testing.T) {
	t.Setenv("EMBEDCLASSIFY_MEMO_DIR", t.TempDir())
	train := SampleData(FrameOf(synthetic(20, 4)), 20, "sci")
	m := BuildClassificationModel(train)
	if _, err := m.Evaluate(train); err == nil || !strings.Contains(err.Error(), "call its Fit first") {
		t.Errorf("Evaluate before Fit: %v", err)
	}
	if _, err := m.Fit(train, FitOptions{}).Result(); err == nil || !strings.Contains(err.Error(), "not compiled") {
		t.Errorf("Fit before Compile: %v", err)
	}
	m = BuildClassificationModel(train).Compile(Compile{Loss: SparseCategoricalCrossentropy{FromLogits: true}})
	out := capture(t, m.Summary)
	if !strings.Contains(out, "Total params: 108") {
		t.Errorf("summary:\n%s", out)
	}
	m.Fit(train, FitOptions{Epochs: 2})
	e, err := m.Evaluate(train)
	if err != nil || e.Accuracy <= 0 {
		t.Errorf("Evaluate after Fit: %+v, %v", e, err)
	}
	if s := e.String(); !strings.HasPrefix(s, "{'accuracy': ") {
		t.Errorf("Evaluation prints %q", s)
	}
}
