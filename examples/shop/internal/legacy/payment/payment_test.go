package payment

import "testing"

// TestRefund is named after Refund: it goes away with it.
func TestRefund(t *testing.T) {
	if err := Refund(""); err == nil {
		t.Fatal("Refund(\"\") succeeded")
	}
}
