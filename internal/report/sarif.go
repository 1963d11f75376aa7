package report

// This file writes SARIF 2.1.0, the shape GitHub code scanning ingests
// (github/codeql-action/upload-sarif): one run, tool.driver.rules with an
// entry per registered rule that a finding uses, results with ruleId,
// ruleIndex, level, message and a physical location whose URI is relative
// to the repository root (%SRCROOT%), and a region whose startLine is at
// least 1 (code scanning rejects 0): line 1 for findings about a whole
// file.

import (
	"encoding/json"
	"io"
	"path"
	"path/filepath"
	"strings"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
	// OriginalURIBaseIDs says what %SRCROOT% is, when known.
	OriginalURIBaseIDs map[string]sarifArtifact `json:"originalUriBaseIds,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

type sarifMessage struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifMessage   `json:"shortDescription"`
	FullDescription      sarifMessage   `json:"fullDescription"`
	Help                 sarifMessage   `json:"help"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties,omitempty"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifMessage    `json:"message"`
	Locations []sarifLocation `json:"locations"`
	// PartialFingerprints lets code scanning track a finding across
	// runs when lines move.
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

func level(s Severity) string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "note"
}

// SARIF writes findings as a SARIF 2.1.0 log. root is the directory the
// URIs are relative to (the repository or workspace root); a finding's
// file is made relative to it through its Root.
func SARIF(w io.Writer, fs []*Finding, version, root string) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "goremover",
			Version:        version,
			InformationURI: "https://github.com/goremover/goremover",
			Rules:          []sarifRule{},
		}},
		Results: []sarifResult{},
	}
	index := map[string]int{}
	for _, f := range fs {
		if _, ok := index[f.Rule]; !ok {
			index[f.Rule] = len(run.Tool.Driver.Rules)
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleOf(f.Rule))
		}
		uri := f.File
		if f.Root != "" && root != "" {
			if rel, err := filepath.Rel(root, filepath.Join(f.Root, filepath.FromSlash(f.File))); err == nil && !strings.HasPrefix(rel, "..") {
				uri = filepath.ToSlash(rel)
			}
		}
		loc := sarifPhysical{ArtifactLocation: sarifArtifact{URI: uriEscape(uri), URIBaseID: "%SRCROOT%"}}
		// Code scanning wants a region with a start line (>= 1): a
		// finding about a whole file points at its first line.
		loc.Region = &sarifRegion{StartLine: 1}
		if f.Line > 0 {
			loc.Region = &sarifRegion{StartLine: f.Line, StartColumn: f.Col}
		}
		locs := []sarifLocation{{PhysicalLocation: loc}}
		switch {
		case f.File == "":
			// A finding about the environment has no place in a file.
			locs = []sarifLocation{}
		case filepath.IsAbs(filepath.FromSlash(f.File)):
			// A file outside the repository (the go env file).
			// fileURI makes a directory URI: drop its two slashes.
			locs[0].PhysicalLocation.ArtifactLocation = sarifArtifact{URI: strings.TrimSuffix(fileURI(f.File), "//")}
		}
		msg := f.Message
		if f.Why != "" {
			msg += ". " + f.Why
		}
		run.Results = append(run.Results, sarifResult{
			RuleID:              f.Rule,
			RuleIndex:           index[f.Rule],
			Level:               level(f.Severity),
			Message:             sarifMessage{Text: msg},
			Locations:           locs,
			PartialFingerprints: map[string]string{"goremover/v1": f.Rule + ":" + uri + ":" + f.Message},
		})
	}
	if root != "" {
		run.OriginalURIBaseIDs = map[string]sarifArtifact{"%SRCROOT%": {URI: fileURI(root)}}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{
		Schema:  "https://json.schemastore.org/sarif-2.1.0.json",
		Version: "2.1.0",
		Runs:    []sarifRun{run},
	})
}

func sarifRuleOf(id string) sarifRule {
	r := Lookup(id)
	if r == nil {
		return sarifRule{ID: id, Name: id, ShortDescription: sarifMessage{Text: id}, FullDescription: sarifMessage{Text: id}, Help: sarifMessage{Text: id}, DefaultConfiguration: sarifConfig{Level: "warning"}}
	}
	text := strings.Join(strings.Fields(r.Text), " ")
	tags := []string{"go", "dependencies"}
	if r.Fixable {
		tags = append(tags, "fixable")
	}
	return sarifRule{
		ID:                   r.ID,
		Name:                 r.Name,
		ShortDescription:     sarifMessage{Text: r.Title},
		FullDescription:      sarifMessage{Text: text},
		Help:                 sarifMessage{Text: r.Doc(), Markdown: "```\n" + r.Doc() + "```"},
		DefaultConfiguration: sarifConfig{Level: level(r.Severity)},
		Properties:           map[string]any{"tags": tags},
	}
}

// uriEscape escapes a relative slash path for a URI reference.
func uriEscape(p string) string {
	return strings.NewReplacer("%", "%25", " ", "%20", "#", "%23", "?", "%3F").Replace(path.Clean(p))
}

func fileURI(dir string) string {
	d := filepath.ToSlash(dir)
	if !strings.HasPrefix(d, "/") {
		d = "/" + d
	}
	if !strings.HasSuffix(d, "/") {
		d += "/"
	}
	return "file://" + uriEscape(d) + "/"
}
