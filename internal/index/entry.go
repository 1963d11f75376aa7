package index

// The on-disk form of a cached Package. References dominate the cache and
// a warm run decodes all of them, so they are stored as a flat []uint32
// over a string table: gob decodes that with its fast path for slices of
// integers, and equal strings are shared rather than allocated per
// reference.

import (
	"bytes"
	"encoding/gob"
	"fmt"
)

type entry struct {
	Path, Name, Module, Dir string
	Files                   []File
	Decls                   []Decl
	Errors                  []string
	AltErrors               []string
	Strings                 []string
	Refs                    []uint32 // refFields values per reference
	Runtime                 []uint32 // the same, for Package.Runtime
}

const refFields = 13

const (
	flagTest = 1 << iota
	flagHidden
	flagGuess
	flagExt
)

// kinds numbers reference kinds in entries: new kinds go at the end.
var kinds = []Kind{Call, Use, Import, Implements, Embed, Linkname, Reflect, Template, Plugin, CgoExport, Require, Convert, Element}

func encodeEntry(p *Package) ([]byte, error) {
	e := entry{Path: p.Path, Name: p.Name, Module: p.Module, Dir: p.Dir, Files: p.Files, Decls: p.Decls, Errors: p.Errors, AltErrors: p.AltErrors}
	ids := map[string]uint32{}
	str := func(s string) uint32 {
		id, ok := ids[s]
		if !ok {
			id = uint32(len(e.Strings))
			ids[s] = id
			e.Strings = append(e.Strings, s)
		}
		return id
	}
	kindID := map[Kind]uint32{}
	for i, k := range kinds {
		kindID[k] = uint32(i)
	}
	refs := func(rs []Ref) ([]uint32, error) {
		out := make([]uint32, 0, len(rs)*refFields)
		for _, r := range rs {
			k, ok := kindID[r.Kind]
			if !ok {
				return nil, fmt.Errorf("unknown reference kind %q", r.Kind)
			}
			var flags uint32
			if r.Test {
				flags |= flagTest
			}
			if r.Hidden {
				flags |= flagHidden
			}
			if r.Guess {
				flags |= flagGuess
			}
			if r.Ext {
				flags |= flagExt
			}
			out = append(out,
				str(r.To.Pkg), str(r.To.Path),
				str(r.Pos.Module), str(r.Pos.File), uint32(r.Pos.Line), uint32(r.Pos.Col),
				k, str(r.From), str(r.Encl.Pkg), str(r.Encl.Path), str(r.EnclName), flags, str(r.Note))
		}
		return out, nil
	}
	var err error
	if e.Refs, err = refs(p.Refs); err != nil {
		return nil, err
	}
	if e.Runtime, err = refs(p.Runtime); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = gob.NewEncoder(&buf).Encode(&e)
	return buf.Bytes(), err
}

func decodeEntry(data []byte) (*Package, error) {
	var e entry
	if err := gob.NewDecoder(bytes.NewReader(data)).Decode(&e); err != nil {
		return nil, err
	}
	p := &Package{Path: e.Path, Name: e.Name, Module: e.Module, Dir: e.Dir, Files: e.Files, Decls: e.Decls, Errors: e.Errors, AltErrors: e.AltErrors}
	var err error
	if p.Refs, err = decodeRefs(e.Refs, e.Strings); err != nil {
		return nil, err
	}
	if p.Runtime, err = decodeRefs(e.Runtime, e.Strings); err != nil {
		return nil, err
	}
	return p, nil
}

func decodeRefs(vals []uint32, s []string) ([]Ref, error) {
	if len(vals)%refFields != 0 {
		return nil, fmt.Errorf("corrupt entry")
	}
	if len(vals) == 0 {
		return nil, nil
	}
	refs := make([]Ref, len(vals)/refFields)
	n := uint32(len(s))
	for i := range refs {
		v := vals[i*refFields : (i+1)*refFields]
		for _, j := range [...]int{0, 1, 2, 3, 7, 8, 9, 10, 12} {
			if v[j] >= n {
				return nil, fmt.Errorf("corrupt entry")
			}
		}
		if int(v[6]) >= len(kinds) {
			return nil, fmt.Errorf("corrupt entry")
		}
		refs[i] = Ref{
			To:       Key{Pkg: s[v[0]], Path: s[v[1]]},
			Pos:      Pos{Module: s[v[2]], File: s[v[3]], Line: int(v[4]), Col: int(v[5])},
			Kind:     kinds[v[6]],
			From:     s[v[7]],
			Encl:     Key{Pkg: s[v[8]], Path: s[v[9]]},
			EnclName: s[v[10]],
			Test:     v[11]&flagTest != 0,
			Hidden:   v[11]&flagHidden != 0,
			Guess:    v[11]&flagGuess != 0,
			Ext:      v[11]&flagExt != 0,
			Note:     s[v[12]],
		}
	}
	return refs, nil
}
