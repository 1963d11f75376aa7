// Package payment is the old payment gateway client. New code uses the
// checkout package; what is left here is reached only from Windows builds
// and from integration tests, so a host-only analysis calls it dead.
package payment

import (
	"errors"
	"fmt"
)

// ErrDeclined is returned when the gateway refuses a charge.
var ErrDeclined = errors.New("payment: card declined")

// Charge charges amount cents to the card and returns a receipt id.
func Charge(card string, amount int) (string, error) {
	if amount <= 0 {
		return "", fmt.Errorf("payment: invalid amount %d", amount)
	}
	if len(card) < 4 {
		return "", ErrDeclined
	}
	return fmt.Sprintf("legacy-%s-%d", card[len(card)-4:], amount), nil
}

// Refund was used by the old admin console. Nothing calls it any more
// except its own test.
func Refund(receipt string) error {
	if receipt == "" {
		return errors.New("payment: empty receipt")
	}
	return nil
}
