package ipynb

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fixtures were executed by Jupyter (nbconvert) with the GoNB kernel
// and rewritten by Python's nbformat, so they hold Jupyter's exact layout.
func TestRoundTripIsByteExact(t *testing.T) {
	for _, name := range []string{"display.ipynb", "errors.ipynb"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", name)
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			nb, err := Read(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := nb.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Marshal differs from Jupyter's file:\n%s", firstDiff(got, want))
			}
		})
	}
}

func firstDiff(a, b []byte) string {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return "line " + itoa(i+1) + ":\n got: " + al[i] + "\nwant: " + bl[i]
		}
	}
	return "lengths differ: " + itoa(len(al)) + " vs " + itoa(len(bl)) + " lines"
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestErrorsAndSummary(t *testing.T) {
	nb, err := Read(filepath.Join("testdata", "errors.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	ps := nb.Errors()
	if len(ps) != 2 {
		t.Fatalf("Errors() = %v, want 2 problems", ps)
	}
	if ps[0].Cell != 1 || !strings.Contains(ps[0].Message, `failed to run "/usr/local/go/bin/go get"`) {
		t.Errorf("first problem = %v", ps[0])
	}
	if ps[1].Cell != 2 || !strings.Contains(ps[1].Message, "go build") {
		t.Errorf("second problem = %v", ps[1])
	}
	// GoNB reports the compiler's message in an HTML output: the summary
	// drops the style sheet and the tags.
	html := nb.Cells[1].Outputs[0]
	if _, ok := html.DataText("text/html"); !ok {
		t.Fatalf("fixture changed: cell 1 output 0 is %v", html.MIMETypes())
	}
	s := html.Summary(0)
	if strings.Contains(s, "<") || strings.Contains(s, "gonb-err-location") {
		t.Errorf("summary keeps markup: %q", s)
	}
	if !strings.Contains(s, "403 Forbidden") {
		t.Errorf("summary lost the message: %q", s)
	}
	if got := html.Summary(10); len(got) > 10+len("…") {
		t.Errorf("Summary(10) = %q, longer than 10 bytes", got)
	}
}

func TestOutputsOfDisplay(t *testing.T) {
	nb, err := Read(filepath.Join("testdata", "display.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	if ps := nb.Errors(); len(ps) != 0 {
		t.Errorf("Errors() = %v, want none", ps)
	}
	if ps := nb.Unexecuted(); len(ps) != 0 {
		t.Errorf("Unexecuted() = %v, want none", ps)
	}
	var kinds []string
	for _, o := range nb.Outputs() {
		kinds = append(kinds, o.Type+":"+strings.Join(o.MIMETypes(), ","))
	}
	want := "stream:|display_data:text/html|display_data:text/html|display_data:text/html"
	if got := strings.Join(kinds, "|"); got != want {
		t.Errorf("outputs = %s, want %s", got, want)
	}
}

func TestNewNotebookLayout(t *testing.T) {
	nb := New("gonb", "Go (gonb)", "go")
	nb.Cells = []Cell{
		{Type: Markdown, ID: "intro", Source: "# Title\n\nText <b>&</b> more"},
		{Type: Code, ID: "code", Source: "%%\nfmt.Println(1)\n"},
	}
	b, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Cells []map[string]json.RawMessage `json:"cells"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw.Cells[0]["outputs"]; ok {
		t.Error("markdown cell has outputs")
	}
	if _, ok := raw.Cells[0]["execution_count"]; ok {
		t.Error("markdown cell has execution_count")
	}
	if got := string(raw.Cells[1]["execution_count"]); got != "null" {
		t.Errorf("code cell execution_count = %s, want null", got)
	}
	if got := string(raw.Cells[1]["outputs"]); got != "[]" {
		t.Errorf("code cell outputs = %s, want []", got)
	}
	if !bytes.Contains(b, []byte(`"Text <b>&</b> more"`)) {
		t.Errorf("HTML characters escaped or text not split by lines:\n%s", b)
	}
	if !bytes.Contains(b, []byte(`"# Title\n",`)) {
		t.Errorf("source not stored as lines:\n%s", b)
	}

	back, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if back.Cells[0].Source != nb.Cells[0].Source || back.Cells[1].Source != nb.Cells[1].Source {
		t.Errorf("sources changed on the way back: %q", []string{back.Cells[0].Source, back.Cells[1].Source})
	}
	if ps := back.Unexecuted(); len(ps) != 1 || ps[0].Cell != 1 {
		t.Errorf("Unexecuted() = %v, want cell 1", ps)
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"not json", "hello", "not a Jupyter notebook"},
		{"old format", `{"nbformat": 3, "cells": []}`, "nbformat 3 is not supported"},
		{"bad source", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": 5}]}`, "string or a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestSplitLines(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{"a", []string{"a"}},
		{"a\n", []string{"a\n"}},
		{"a\nb", []string{"a\n", "b"}},
		{"\n\n", []string{"\n", "\n"}},
	}
	for _, tt := range tests {
		got := splitLines(tt.in)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("splitLines(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestErrorsFromExitStatus(t *testing.T) {
	nb, err := Parse([]byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
	 {"cell_type": "code", "execution_count": 1, "metadata": {}, "source": "", "outputs": [
	  {"output_type": "stream", "name": "stderr", "text": "a warning\n"}]},
	 {"cell_type": "code", "execution_count": 2, "metadata": {}, "source": "", "outputs": [
	  {"output_type": "display_data", "metadata": {}, "data": {"text/html": "<b>Warning:</b> no archive"}},
	  {"output_type": "stream", "name": "stderr", "text": "exit status 1\n"}]},
	 {"cell_type": "code", "execution_count": 3, "metadata": {}, "source": "", "outputs": [
	  {"output_type": "stream", "name": "stderr", "text": "panic: boom\n\ngoroutine 1 [running]:\nexit status 2\n"}]},
	 {"cell_type": "code", "execution_count": 4, "metadata": {}, "source": "", "outputs": [
	  {"output_type": "stream", "name": "stdout", "text": "exit status 1\n"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	ps := nb.Errors()
	if len(ps) != 2 || ps[0].Cell != 1 || ps[1].Cell != 2 {
		t.Fatalf("Errors() = %v, want cells 1 and 2", ps)
	}
	if !strings.Contains(ps[0].Message, "Warning: no archive") || !strings.Contains(ps[0].Message, "exit status 1") {
		t.Errorf("message = %q", ps[0].Message)
	}
	if !strings.Contains(ps[1].Message, "panic: boom") {
		t.Errorf("message = %q", ps[1].Message)
	}
}
