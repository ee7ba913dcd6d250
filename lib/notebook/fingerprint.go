package notebook

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"math"
	"reflect"
	"slices"
)

// Fingerprinter is implemented by inputs of a step that identify
// themselves: a Value (by its key), or a type whose identity is not its
// exported fields (an embedder: its model, dimensions and endpoint).
type Fingerprinter interface {
	Fingerprint() (string, error)
}

// Fingerprint returns the identity of a step's input x: its Fingerprint
// method's result when it has one, else a digest of its content: numbers,
// strings and booleans, and slices, arrays, maps, pointers and structs of
// them, read in full (a frame's every text, label and vector). A struct
// field that is not exported, a function or a channel that is not nil
// cannot be read and is an error, so that no input is keyed by less than
// it holds.
func Fingerprint(x any) (string, error) {
	if f, ok := x.(Fingerprinter); ok {
		return f.Fingerprint()
	}
	h := sha256.New()
	if err := hashValue(h, reflect.ValueOf(x), 0); err != nil {
		return "", err
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}

var fingerprinterType = reflect.TypeFor[Fingerprinter]()

func hashValue(h hash.Hash, v reflect.Value, depth int) error {
	if depth > 64 {
		return fmt.Errorf("input nested more than 64 levels deep (a cycle?)")
	}
	if !v.IsValid() {
		h.Write([]byte("nil\x00"))
		return nil
	}
	t := v.Type()
	fmt.Fprintf(h, "%s:", t)
	if t.Implements(fingerprinterType) && (v.Kind() != reflect.Pointer || !v.IsNil()) {
		s, err := v.Interface().(Fingerprinter).Fingerprint()
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%q\x00", s)
		return nil
	}
	var buf [8]byte
	switch v.Kind() {
	case reflect.Bool:
		fmt.Fprintf(h, "%t\x00", v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		fmt.Fprintf(h, "%d\x00", v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		fmt.Fprintf(h, "%d\x00", v.Uint())
	case reflect.Float32, reflect.Float64:
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(v.Float()))
		h.Write(buf[:])
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(real(c)))
		h.Write(buf[:])
		binary.LittleEndian.PutUint64(buf[:], math.Float64bits(imag(c)))
		h.Write(buf[:])
	case reflect.String:
		fmt.Fprintf(h, "%d:", v.Len())
		h.Write([]byte(v.String()))
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.IsNil() {
			h.Write([]byte("nil\x00"))
			return nil
		}
		fmt.Fprintf(h, "%d[", v.Len())
		switch s := v.Interface().(type) {
		case []float32: // embeddings: the bulk of a frame
			for _, x := range s {
				binary.LittleEndian.PutUint32(buf[:4], math.Float32bits(x))
				h.Write(buf[:4])
			}
		case []byte:
			h.Write(s)
		default:
			for i := range v.Len() {
				if err := hashValue(h, v.Index(i), depth+1); err != nil {
					return err
				}
			}
		}
		h.Write([]byte("]"))
	case reflect.Map:
		if v.IsNil() {
			h.Write([]byte("nil\x00"))
			return nil
		}
		type kv struct {
			k string
			v reflect.Value
		}
		var kvs []kv
		for it := v.MapRange(); it.Next(); {
			kh := sha256.New()
			if err := hashValue(kh, it.Key(), depth+1); err != nil {
				return err
			}
			kvs = append(kvs, kv{string(kh.Sum(nil)), it.Value()})
		}
		slices.SortFunc(kvs, func(a, b kv) int {
			if a.k < b.k {
				return -1
			}
			if a.k > b.k {
				return 1
			}
			return 0
		})
		fmt.Fprintf(h, "%d{", len(kvs))
		for _, e := range kvs {
			h.Write([]byte(e.k))
			if err := hashValue(h, e.v, depth+1); err != nil {
				return err
			}
		}
		h.Write([]byte("}"))
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			h.Write([]byte("nil\x00"))
			return nil
		}
		return hashValue(h, v.Elem(), depth+1)
	case reflect.Struct:
		h.Write([]byte("{"))
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				return fmt.Errorf("%s has the unexported field %s, which a step's key cannot read: give %s a Fingerprint method", t, f.Name, t)
			}
			fmt.Fprintf(h, "%s=", f.Name)
			if err := hashValue(h, v.Field(i), depth+1); err != nil {
				return fmt.Errorf("%s.%s: %w", t, f.Name, err)
			}
		}
		h.Write([]byte("}"))
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		if v.IsNil() {
			h.Write([]byte("nil\x00"))
			return nil
		}
		return fmt.Errorf("a %s cannot be part of a step's key: its behaviour is not data", t)
	default:
		return fmt.Errorf("cannot read a %s for a step's key", t)
	}
	return nil
}
