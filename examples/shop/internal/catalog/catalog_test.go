package catalog_test

import (
	"fmt"
	"testing"

	"example.com/shop/internal/catalog"
)

func TestLookupMissing(t *testing.T) {
	if _, ok := catalog.Lookup("NOPE"); ok {
		t.Error("Lookup(NOPE) found a product")
	}
}

func ExampleLookup() {
	p, _ := catalog.Lookup("TEAPOT")
	fmt.Println(p.Name, p.Price)
	// Output: teapot 2500
}
