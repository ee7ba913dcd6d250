package notebook

import (
	"fmt"
	"html/template"
	"sync"
	"time"

	"github.com/embedclassify/embedclassify/internal/progressbar"
	"github.com/janpfeifer/gonb/gonbui"
)

// record is one output of a step, kept for replay: an HTML fragment (with
// its text form), text, a PNG image, or a progress bar's final state.
type record struct {
	HTML, Text string
	PNG        []byte
	Bar        *progressbar.State
}

// recorder passes every display on to live and keeps it for replay;
// progress bars are kept at their last state, in the place they first
// appeared.
type recorder struct {
	live sink
	mu   sync.Mutex
	recs []record
	bars map[string]int // bar id → index in recs
}

func (r *recorder) add(rec record) {
	r.mu.Lock()
	r.recs = append(r.recs, rec)
	r.mu.Unlock()
}

func (r *recorder) HTML(h, t string) { r.live.HTML(h, t); r.add(record{HTML: h, Text: t}) }
func (r *recorder) Text(s string)    { r.live.Text(s); r.add(record{Text: s}) }
func (r *recorder) PNG(b []byte)     { r.live.PNG(b); r.add(record{PNG: b}) }
func (r *recorder) Error(msg string) { r.live.Error(msg) }

func (r *recorder) Bar(id string, st progressbar.State, final bool) {
	r.live.Bar(id, st, final)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.bars == nil {
		r.bars = map[string]int{}
	}
	i, ok := r.bars[id]
	if !ok {
		i = len(r.recs)
		r.bars[id] = i
		r.recs = append(r.recs, record{})
	}
	st.Finished = st.Finished || final
	r.recs[i].Bar = &st
}

func (r *recorder) records() []record {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]record(nil), r.recs...)
}

// liveSink returns the sink under any recorders: what a nested step shows
// goes to the cell, and into its own record only.
func liveSink(s sink) sink {
	for {
		r, ok := s.(*recorder)
		if !ok {
			return s
		}
		s = r.live
	}
}

var noteTmpl = template.Must(template.New("note").Parse(
	`<div style="color:#5f6368;font-size:90%;margin:2px 0">&#8635; {{.}}</div>`))

// replayNote is the one line shown above a replayed output.
func replayNote(what string, info entryInfo) string {
	return fmt.Sprintf("From the session cache: %s, computed at %s in %s from the same inputs; its output is replayed below.",
		what, info.When.Format("15:04:05"), info.Took.Round(100*time.Millisecond))
}

// replay shows the note and then the recorded outputs of a step.
func replay(what string, info entryInfo, log []record) {
	o := output()
	note := replayNote(what, info)
	o.HTML(render(noteTmpl, note), "("+note+")\n")
	for _, r := range log {
		switch {
		case r.Bar != nil:
			o.Bar("progress_"+gonbui.UniqueId(), *r.Bar, true)
		case r.PNG != nil:
			o.PNG(r.PNG)
		case r.HTML != "":
			o.HTML(r.HTML, r.Text)
		default:
			o.Text(r.Text)
		}
	}
}
