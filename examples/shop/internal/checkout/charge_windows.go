package checkout

import "example.com/shop/internal/legacy/payment"

// charge uses the legacy gateway, which the Windows tills still need.
func charge(card string, amount int) (string, error) {
	return payment.Charge(card, amount)
}
