package refl

import (
	"reflect"
	"testing"

	"example.com/hidden/lib"
)

func TestKnown(t *testing.T) {
	reflect.ValueOf(lib.Service{}).MethodByName("Stop")
}
