// Package checkout takes payment for orders. How depends on the platform:
// the Windows point-of-sale build still goes through the legacy gateway.
package checkout

import (
	"errors"

	"example.com/shop/internal/order"
)

// Pay charges o to card and returns a receipt id.
func Pay(o *order.Order, card string) (string, error) {
	if len(o.Items) == 0 {
		return "", errors.New("checkout: empty order")
	}
	return charge(card, o.Total())
}
