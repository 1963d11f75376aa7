// Package hooks runs event handlers found by reflection. Audit.OnPaid has
// no caller in the source: Fire finds it with MethodByName and a constant.
package hooks

import (
	"fmt"
	"io"
	"reflect"
)

// onPaid is the method Fire looks for.
const onPaid = "OnPaid"

// Audit writes an audit line for each paid order.
type Audit struct{ Out io.Writer }

// OnPaid records that the order with the given id was paid.
func (a Audit) OnPaid(id string) { fmt.Fprintf(a.Out, "audit: %s paid\n", id) }

// Paid calls the OnPaid method of each handler that has one.
func Paid(id string, handlers ...any) {
	for _, h := range handlers {
		m := reflect.ValueOf(h).MethodByName(onPaid)
		if m.IsValid() {
			m.Call([]reflect.Value{reflect.ValueOf(id)})
		}
	}
}
