// Package refl reaches lib's members by reflection.
package refl

import (
	"bytes"
	"reflect"

	"example.com/hidden/lib"
)

// Known reflects on values of known static types.
func Known(s lib.Service, p *lib.Service) {
	reflect.ValueOf(s).MethodByName("Do")
	reflect.TypeOf(s).MethodByName("Stop")
	reflect.ValueOf(&s).Elem().FieldByName("Name")
	reflect.Indirect(reflect.ValueOf(p)).FieldByName("Count")
	reflect.ValueOf(p).MethodByName("Ping")
	v := reflect.ValueOf(p)
	v.MethodByName("Reset")
	reflect.TypeFor[lib.Service]().FieldByName("ID")
	reflect.TypeOf((*lib.Doer)(nil)).Elem().MethodByName("Run")
	reflect.ValueOf(s).MethodByName("Missing") // maybe declared in another configuration
}

// Unknown reflects on values whose dynamic type is not known.
func Unknown(x any, name string, s lib.Service) {
	reflect.ValueOf(x).MethodByName("Close")
	reflect.TypeOf(x).FieldByName("Title")
	reflect.ValueOf(x).MethodByName(name)
	reflect.ValueOf(x).FieldByName(name)
	reflect.ValueOf(x).FieldByNameFunc(func(string) bool { return true })
	w := reflect.ValueOf(s)
	w = reflect.ValueOf(x)
	w.MethodByName("Flush")
}

type fake struct{}

func (fake) MethodByName(string) {}

// Negative makes no hidden reference.
func Negative(s lib.Service) {
	reflect.ValueOf(&bytes.Buffer{}).MethodByName("Len") // not a working-set type
	reflect.ValueOf(s).FieldByName("Do")                 // a method, not a field
	fake{}.MethodByName("Do")                            // not reflect
}
