// Package lib declares what the other packages reach without the compiler.
package lib

import _ "unsafe" // for go:linkname

// Base is embedded in Service.
type Base struct{ ID int }

// Ping is promoted to Service.
func (Base) Ping() {}

// Service is reflected on by refl.
type Service struct {
	Base
	Name  string
	Count int
}

func (Service) Do() {}

func (Service) Stop() {}

func (*Service) Reset() {}

func (*Service) do() {}

// Doer is reflected on by TypeOf((*Doer)(nil)).Elem().
type Doer interface{ Run() }

func now() int64 { return 0 }

//go:linkname hook
func hook() {}

// go:linkname notADirective example.com/hidden/lib.now
func notADirective() {}
