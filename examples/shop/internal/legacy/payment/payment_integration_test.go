//go:build integration

package payment_test

import (
	"testing"

	"example.com/shop/internal/legacy/payment"
)

// TestGateway talks to the sandbox gateway; run with -tags integration.
func TestGateway(t *testing.T) {
	id, err := payment.Charge("4242424242424242", 100)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(id)
}
