// Command classify_text_with_embeddings is the notebook
// classify_text_with_embeddings.ipynb as a Go program: every file but this
// one is a cell (Markdown in .md files, Go in .go files, where the function
// named cell... is the cell's body after %%), and
// notebooks/internal/gen writes the notebook from them. Run as a program it
// runs the cells in order and prints their output as text.
package main

func main() {
	cellKey()
	cellModels()
	cellLoad()
	cellExample()
	cellPreprocess()
	cellCountsTrain()
	cellCountsTest()
	cellGeminiCall()
	cellEmbedder()
	cellEmbedTrain()
	cellEmbedTest()
	cellBuild()
	cellTrain()
	cellEvaluate()
	cellPlot()
	cellConfusion()
	cellLogits()
	cellEmbeddingMap()
	cellCompare()
	cellPredict()
}
