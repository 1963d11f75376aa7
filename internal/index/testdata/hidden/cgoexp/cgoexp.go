// Package cgoexp exports a function to C.
package cgoexp

// #include <stdlib.h>
import "C"

import "reflect"

//export GoCallback
func GoCallback() {}

// Reflect is in a file that cgo rewrites.
func Reflect(x any) { reflect.ValueOf(x).MethodByName("FromCgo") }
