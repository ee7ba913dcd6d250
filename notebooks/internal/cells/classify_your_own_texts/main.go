// Command classify_your_own_texts is the notebook
// classify_your_own_texts.ipynb as a Go program: every file but this one
// is a cell (Markdown in .md files, Go in .go files, where the function
// named cell... is the cell's body after %%), and notebooks/internal/gen
// writes the notebook from them. Run as a program it runs the cells in
// order and prints their output as text.
package main

func main() {
	cellExport()
	cellRead()
	cellCounts()
	cellSplit()
	cellEmbedder()
	cellEmbed()
	cellTrain()
	cellEvaluate()
	cellPlot()
	cellConfusion()
	cellPredict()
}
