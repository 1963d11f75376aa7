package impact

import "testing"

func TestNamedTest(t *testing.T) {
	tests := []struct {
		fn, stem string
		want     bool
	}{
		{"TestCharge", "Charge", true},
		{"TestCharge_declined", "Charge", true},
		{"ExampleCharge", "Charge", true},
		{"BenchmarkCharge_big", "Charge", true},
		{"FuzzCharge", "Charge", true},
		{"TestClient_Do", "Client_Do", true},
		{"ExampleClient_Do_retry", "Client_Do", true},
		{"Test_helper", "helper", true},
		{"TestHelper", "helper", true},
		{"TestChargeback", "Charge", false},
		{"TestRefund", "Charge", false},
		{"Charge", "Charge", false},
		{"T.TestCharge", "Charge", false},
		{"", "Charge", false},
	}
	for _, tt := range tests {
		if got := NamedTest(tt.fn, tt.stem); got != tt.want {
			t.Errorf("NamedTest(%q, %q) = %v, want %v", tt.fn, tt.stem, got, tt.want)
		}
	}
}
