package checkout

import (
	"testing"

	"example.com/shop/internal/order"
)

func TestPayEmpty(t *testing.T) {
	if _, err := Pay(order.New("Ada", "ada@example.com"), "4242"); err == nil {
		t.Error("Pay of an empty order succeeded")
	}
}
