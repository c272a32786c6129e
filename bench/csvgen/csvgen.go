// Package csvgen writes the CSV bulk inputs that the bulk gate's tests
// and benchmarks scan, deterministically: [Simple], a small shape in
// memory, and [Bench], the seeded file of bench/run.sh (bench/gen writes
// it), which tests also check the gate against at a small size.
//
// It imports nothing of the project.
package csvgen

import (
	"bytes"
	"fmt"
)

// Simple returns rows data rows under a header
// (email,first_name,last_name,city,note), with keys distinct keys: row i
// has the key of row i % keys, so every row past the first keys ones
// repeats an earlier key. Every tenth row quotes two fields, one with
// doubled quotes.
func Simple(rows, keys int) []byte {
	var b bytes.Buffer
	b.WriteString("email,first_name,last_name,city,note\n")
	for i := range rows {
		k := i % keys
		fmt.Fprintf(&b, "user%d@example.com,First%d,Last%d,", k, i%997, i%991)
		if i%10 == 0 {
			fmt.Fprintf(&b, "\"Town, %d\",\"said \"\"hi\"\"\"\n", i%89)
		} else {
			fmt.Fprintf(&b, "Town%d,plain note\n", i%89)
		}
	}
	return b.Bytes()
}
