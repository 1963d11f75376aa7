package arch

// This file holds the JSON Schema of .goremover.yaml that 'goremover
// arch schema' prints, for editors that validate YAML against one. The
// parser (fieldsOf) and the schema are kept equal by a test.

import _ "embed"

// Schema is the JSON Schema of .goremover.yaml.
//
//go:embed schema.json
var Schema []byte
