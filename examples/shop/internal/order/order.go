// Package order defines orders. Order embeds Base, so Base's methods are
// promoted: o.ID() is a reference to Base.ID that names no Base.
package order

import (
	"fmt"

	"example.com/shop/internal/clock"
)

// Base holds what every stored record has.
type Base struct {
	id      string
	Created int64
}

// ID returns the record's identifier.
func (b Base) ID() string { return b.id }

// Item is one line of an order.
type Item struct {
	Name  string
	Qty   int
	Price int // cents
}

// Order is a customer's order.
type Order struct {
	Base
	Customer string
	Email    string
	Items    []Item
}

// New returns an order for customer with a fresh id.
func New(customer, email string, items ...Item) *Order {
	now := clock.Now()
	return &Order{
		Base:     Base{id: fmt.Sprintf("ord-%d", now), Created: now},
		Customer: customer,
		Email:    email,
		Items:    items,
	}
}

// Total returns the order's total in cents.
func (o *Order) Total() int {
	t := 0
	for _, it := range o.Items {
		t += it.Qty * it.Price
	}
	return t
}
