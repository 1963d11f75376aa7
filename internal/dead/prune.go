package dead

// This file is what 'goremover prune' needs of an analysis beyond its
// findings: a removal names declarations, not files, so a file finding
// is taken apart into the findings of its declarations.

// Split returns, for each finding of fs, the findings it stands for: the
// findings of its declarations, each with its own rule and reason, for a
// file finding; the finding itself for any other.
func (r *Result) Split(fs []*Finding) [][]*Finding {
	out := make([][]*Finding, len(fs))
	var markers map[string]bool
	for i, f := range fs {
		if f.Kind != FileKind {
			out[i] = []*Finding{f}
			continue
		}
		if markers == nil {
			markers = r.a.markers()
		}
		for _, k := range f.Decls {
			id, ok := r.a.ids[k]
			if !ok {
				continue
			}
			for _, d := range r.a.nodes[id].decls {
				if d.Pos.Module != f.Pos.Module || d.Pos.File != f.Pos.File {
					continue // the same name in another configuration's file
				}
				if df := r.a.declFinding(id, d, markers); df != nil {
					out[i] = append(out[i], df)
				}
			}
		}
	}
	return out
}
