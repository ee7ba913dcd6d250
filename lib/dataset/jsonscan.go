package dataset

import (
	"bytes"
	"encoding/json"
	"strings"
)

// fastDecoder reads the text, label and id of a JSON Lines line in one
// pass over its bytes, without encoding/json's validating pre-scan and
// reflection, and without decoding the keys it does not need. It accepts
// only well-formed lines whose values it can take as the general path
// (encoding/json into a map, then jsonlReader.field) would; on anything
// else it declines, and the general path reads the line and words its
// problem. Keys match exactly; the last of duplicate keys wins; a key with
// escapes is declined.
type fastDecoder struct {
	text, label, id string // the keys; "" when not read
}

// newFastDecoder returns a fastDecoder for opt's columns.
func newFastDecoder(opt Options) *fastDecoder {
	f := &fastDecoder{text: opt.textColumn(), id: opt.IDColumn}
	if !opt.NoLabel {
		f.label = opt.labelColumn()
	}
	return f
}

// maxFastDepth is the deepest nesting the fast path reads; deeper lines
// go to the general path.
const maxFastDepth = 64

// decode returns the record of line b (valid UTF-8), and false when the
// line has a problem or the fast path declines it.
func (f *fastDecoder) decode(b []byte, opt Options) (Record, bool) {
	s := jsonScan{b: b}
	var text, label, id jsonValue
	s.space()
	if !s.eat('{') {
		return Record{}, false
	}
	s.space()
	if !s.eat('}') {
		for {
			s.space()
			key, ok := s.str()
			if !ok || key.esc { // an escaped key may spell a column's name
				return Record{}, false
			}
			s.space()
			if !s.eat(':') {
				return Record{}, false
			}
			s.space()
			v, ok := s.value(1)
			if !ok {
				return Record{}, false
			}
			switch {
			case key.is(b, f.text):
				text = v
			case f.label != "" && key.is(b, f.label):
				label = v
			case f.id != "" && key.is(b, f.id):
				id = v
			}
			s.space()
			if s.eat('}') {
				break
			}
			if !s.eat(',') {
				return Record{}, false
			}
		}
	}
	s.space()
	if s.i != len(b) {
		return Record{}, false
	}
	var r Record
	var ok bool
	if text.kind != '"' {
		return Record{}, false
	}
	if r.Text, ok = text.string(b); !ok || checkValue("", r.Text, false) != "" {
		return Record{}, false
	}
	if f.label != "" {
		if r.Label, ok = label.scalar(b); !ok || checkValue("", r.Label, false) != "" {
			return Record{}, false
		}
	}
	if f.id != "" && id.kind != 0 {
		if r.ID, ok = id.scalar(b); !ok || checkValue("", r.ID, true) != "" {
			return Record{}, false
		}
	}
	return r, true
}

// jsonValue is a value's place in the line: b[from:to], of kind '"' (a
// string, quotes included), '0' (a number), 't' or 'f' (a boolean), 'n'
// (null), '{' or '['; kind 0 is no value. esc says a string holds
// escapes.
type jsonValue struct {
	from, to int
	kind     byte
	esc      bool
}

// is reports whether the string v, which holds no escapes, is key.
func (v jsonValue) is(b []byte, key string) bool {
	return string(b[v.from+1:v.to-1]) == key
}

// string returns the decoded value of the string v.
func (v jsonValue) string(b []byte) (string, bool) {
	raw := b[v.from+1 : v.to-1]
	if !v.esc {
		return string(raw), true
	}
	var sb strings.Builder
	sb.Grow(len(raw))
	for i := 0; i < len(raw); i++ {
		k := bytes.IndexByte(raw[i:], '\\')
		if k < 0 {
			sb.Write(raw[i:])
			break
		}
		sb.Write(raw[i : i+k])
		i += k + 1
		switch raw[i] {
		case '"', '\\', '/':
			sb.WriteByte(raw[i])
		case 'b':
			sb.WriteByte('\b')
		case 'f':
			sb.WriteByte('\f')
		case 'n':
			sb.WriteByte('\n')
		case 'r':
			sb.WriteByte('\r')
		case 't':
			sb.WriteByte('\t')
		default: // \u: surrogates and all, as encoding/json decodes them
			var s string
			if json.Unmarshal(b[v.from:v.to], &s) != nil {
				return "", false
			}
			return s, true
		}
	}
	return sb.String(), true
}

// scalar returns a string's value, or a number's or boolean's text (see
// the general path's field); null, objects and arrays are declined.
func (v jsonValue) scalar(b []byte) (string, bool) {
	switch v.kind {
	case '"':
		return v.string(b)
	case '0', 't', 'f':
		return string(b[v.from:v.to]), true
	}
	return "", false
}

// jsonScan is a position in a line.
type jsonScan struct {
	b []byte
	i int
}

func (s *jsonScan) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *jsonScan) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str reads a string.
func (s *jsonScan) str() (jsonValue, bool) {
	v := jsonValue{from: s.i, kind: '"'}
	if !s.eat('"') {
		return v, false
	}
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			v.to = s.i
			return v, true
		case c < 0x20:
			return v, false
		case c == '\\':
			v.esc = true
			if s.i+1 >= len(s.b) {
				return v, false
			}
			switch s.b[s.i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i += 2
			case 'u':
				if s.i+6 > len(s.b) {
					return v, false
				}
				for _, h := range s.b[s.i+2 : s.i+6] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return v, false
					}
				}
				s.i += 6
			default:
				return v, false
			}
		default:
			s.i++
		}
	}
	return v, false
}

// value reads any value at nesting depth.
func (s *jsonScan) value(depth int) (jsonValue, bool) {
	if s.i >= len(s.b) || depth > maxFastDepth {
		return jsonValue{}, false
	}
	from := s.i
	switch c := s.b[s.i]; {
	case c == '"':
		return s.str()
	case c == '{' || c == '[':
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		s.i++
		s.space()
		if s.eat(end) {
			return jsonValue{from: from, to: s.i, kind: c}, true
		}
		for {
			s.space()
			if c == '{' {
				if _, ok := s.str(); !ok {
					return jsonValue{}, false
				}
				s.space()
				if !s.eat(':') {
					return jsonValue{}, false
				}
				s.space()
			}
			if _, ok := s.value(depth + 1); !ok {
				return jsonValue{}, false
			}
			s.space()
			if s.eat(end) {
				return jsonValue{from: from, to: s.i, kind: c}, true
			}
			if !s.eat(',') {
				return jsonValue{}, false
			}
		}
	case c == 't' || c == 'f' || c == 'n':
		for _, lit := range []string{"true", "false", "null"} {
			if strings.HasPrefix(string(s.b[s.i:min(len(s.b), s.i+len(lit))]), lit) {
				s.i += len(lit)
				return jsonValue{from: from, to: s.i, kind: c}, true
			}
		}
		return jsonValue{}, false
	case c == '-' || '0' <= c && c <= '9':
		return s.number()
	}
	return jsonValue{}, false
}

// number reads -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?.
func (s *jsonScan) number() (jsonValue, bool) {
	from := s.i
	digits := func() int {
		n := 0
		for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
			s.i++
			n++
		}
		return n
	}
	s.eat('-')
	if s.eat('0') {
		// no more integer digits
	} else if digits() == 0 {
		return jsonValue{}, false
	}
	if s.eat('.') && digits() == 0 {
		return jsonValue{}, false
	}
	if s.eat('e') || s.eat('E') {
		if !s.eat('+') {
			s.eat('-')
		}
		if digits() == 0 {
			return jsonValue{}, false
		}
	}
	return jsonValue{from: from, to: s.i, kind: '0'}, true
}
