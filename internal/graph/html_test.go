// Tests of the html page's text: self-contained, deterministic, and safe
// with hostile strings.

package graph

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestHTMLDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := HTML(&a, testModel()); err != nil {
		t.Fatal(err)
	}
	if err := HTML(&b, testModel()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("two pages of the same model differ")
	}
}

func TestHTMLEscapes(t *testing.T) {
	m := testModel()
	m.Root = `</title><script>alert(1)</script>`
	var buf bytes.Buffer
	if err := HTML(&buf, m); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	// The page has exactly the elements it writes itself: hostile strings
	// open no script, comment or title.
	if n := strings.Count(page, "<script"); n != 2 {
		t.Errorf("%d <script in the page, want 2", n)
	}
	if n := strings.Count(page, "</script"); n != 2 {
		t.Errorf("%d </script in the page, want 2", n)
	}
	if strings.Contains(page, "<!--") {
		t.Errorf("the page opens a comment")
	}
	if n := strings.Count(page, "</title>"); n != 1 {
		t.Errorf("%d </title> in the page, want 1", n)
	}
	// The data block decodes back to the model.
	re := regexp.MustCompile(`(?s)<script type="application/json" id="graph-data">(.*?)</script>`)
	sub := re.FindStringSubmatch(page)
	if sub == nil {
		t.Fatal("no data block")
	}
	var got Model
	if err := json.Unmarshal([]byte(sub[1]), &got); err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(m)
	again, _ := json.Marshal(&got)
	if !bytes.Equal(want, again) {
		t.Errorf("the data block does not decode to the model")
	}
}

func TestHTMLSelfContained(t *testing.T) {
	var buf bytes.Buffer
	if err := HTML(&buf, testModel()); err != nil {
		t.Fatal(err)
	}
	// Strings of the model (in the data block) are not requests.
	page := regexp.MustCompile(`(?s)id="graph-data">.*?</script>`).ReplaceAllString(buf.String(), "")
	for _, s := range []string{"http://", "https://", "src=", "@import", "url(http"} {
		// The SVG namespace is a name, not a request.
		if strings.Contains(strings.ReplaceAll(page, "http://www.w3.org/2000/svg", ""), s) {
			t.Errorf("the page contains %q", s)
		}
	}
	if !strings.Contains(page, "default-src 'none'") {
		t.Errorf("the page has no content security policy")
	}
}
