package render

import (
	"strings"
	"testing"

	"example.com/shop/internal/order"
)

func TestConfirmation(t *testing.T) {
	o := order.New("Ada", "ada@example.com", order.Item{Name: "tea", Qty: 2, Price: 350})
	var b strings.Builder
	if err := Confirmation(&b, o); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "2 x tea") {
		t.Errorf("confirmation = %q, want a line for the tea", b.String())
	}
}
