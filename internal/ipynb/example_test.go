package ipynb_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/embedclassify/embedclassify/internal/ipynb"
)

// Build a GoNB notebook and write it as Jupyter would.
func ExampleNew() {
	nb := ipynb.New("gonb", "Go (gonb)", "go")
	nb.Cells = []ipynb.Cell{
		{Type: ipynb.Markdown, ID: "title", Source: "# Hello"},
		{Type: ipynb.Code, ID: "hello", Source: "%%\nfmt.Println(\"hello\")"},
	}
	b, err := nb.Marshal()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(b))
	// Output:
	// {
	//  "cells": [
	//   {
	//    "cell_type": "markdown",
	//    "id": "title",
	//    "metadata": {},
	//    "source": [
	//     "# Hello"
	//    ]
	//   },
	//   {
	//    "cell_type": "code",
	//    "execution_count": null,
	//    "id": "hello",
	//    "metadata": {},
	//    "outputs": [],
	//    "source": [
	//     "%%\n",
	//     "fmt.Println(\"hello\")"
	//    ]
	//   }
	//  ],
	//  "metadata": {
	//   "kernelspec": {
	//    "display_name": "Go (gonb)",
	//    "language": "go",
	//    "name": "gonb"
	//   },
	//   "language_info": {
	//    "name": "go"
	//   }
	//  },
	//  "nbformat": 4,
	//  "nbformat_minor": 5
	// }
}

// Inspect an executed notebook: failed cells and the kinds of outputs.
func ExampleNotebook_Errors() {
	nb, err := ipynb.Read(filepath.Join("testdata", "display.ipynb"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	fmt.Println("failed cells:", len(nb.Errors()))
	for _, o := range nb.Outputs() {
		fmt.Println(o.Type, o.MIMETypes())
	}
	// Output:
	// failed cells: 0
	// stream []
	// display_data [text/html]
	// display_data [text/html]
	// display_data [text/html]
}
