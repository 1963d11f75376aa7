// Command shop takes one order from the command line and prints what the
// shop would send: a receipt, a confirmation mail and an audit line.
//
//	shop SKU...
package main

import (
	"fmt"
	"log"
	"os"

	"example.com/shop/internal/catalog"
	"example.com/shop/internal/checkout"
	"example.com/shop/internal/hooks"
	"example.com/shop/internal/metrics"
	"example.com/shop/internal/notify"
	"example.com/shop/internal/order"
	"example.com/shop/internal/render"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("shop: ")
	t := metrics.Start("order")
	defer t.Stop(os.Stderr)

	var items []order.Item
	for _, sku := range os.Args[1:] {
		p, ok := catalog.Lookup(sku)
		if !ok {
			log.Fatalf("unknown product %s", sku)
		}
		items = append(items, order.Item{Name: p.Name, Qty: 1, Price: p.Price})
	}
	o := order.New("Ada", "ada@example.com", items...)
	if _, err := checkout.Pay(o, "4242424242424242"); err != nil {
		log.Fatal(err)
	}
	fmt.Println("paid", o.ID()) // Base.ID, promoted through Order
	render.Receipt(os.Stdout, o)

	var n notify.Notifier = notify.Email{From: "shop@example.com", Out: os.Stdout}
	var mail stringWriter
	if err := render.Confirmation(&mail, o); err != nil {
		log.Fatal(err)
	}
	if err := notify.Broadcast(n, string(mail), o.Email); err != nil {
		log.Fatal(err)
	}
	hooks.Paid(o.ID(), hooks.Audit{Out: os.Stdout})
}

type stringWriter string

func (w *stringWriter) Write(p []byte) (int, error) {
	*w += stringWriter(p)
	return len(p), nil
}
