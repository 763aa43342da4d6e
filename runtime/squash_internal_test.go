package runtime

import "testing"

func TestCompleteAcceptsWhatAChainOfSquashesLeavesInALedgerOnly(t *testing.T) {
	// 0003_c_squashed replaced 0001_a to 0003_c; a squash of it and 0004_d
	// replaces all five.
	replaced := []string{"0001_a", "0002_b", "0003_c", "0003_c_squashed", "0004_d"}
	for _, tt := range []struct {
		recorded []string
		want     bool
	}{
		{[]string{"0001_a", "0002_b", "0003_c", "0004_d"}, true},
		{[]string{"0003_c_squashed", "0004_d"}, true},
		{nil, false},
		{[]string{"0001_a", "0002_b", "0003_c"}, false},
		{[]string{"0003_c_squashed"}, false},
		{[]string{"0001_a", "0003_c_squashed", "0004_d"}, false},
		{[]string{"0001_a", "0002_b", "0003_c", "0003_c_squashed", "0004_d"}, false},
		{[]string{"0002_b", "0003_c", "0004_d"}, false},
	} {
		recorded := make([]bool, len(replaced))
		for i, id := range replaced {
			for _, r := range tt.recorded {
				recorded[i] = recorded[i] || r == id
			}
		}
		if got := complete(replaced, recorded); got != tt.want {
			t.Errorf("complete with %v recorded = %v, want %v", tt.recorded, got, tt.want)
		}
	}
}
