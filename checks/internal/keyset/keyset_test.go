package keyset

import (
	"fmt"
	"testing"
)

// TestExact forces every key onto one hash: duplicates must still be exact.
func TestExact(t *testing.T) {
	k := New()
	for i, key := range []string{"a", "b", "a", "c", "b", "a"} {
		if _, nth := k.Lookup([]byte(key), 42); nth == 0 {
			k.Insert([]byte(key), 42, i+1)
		}
	}
	if k.Len() != 3 || k.Repeated() != 2 || k.Extra() != 3 {
		t.Errorf("n %d, repeated %d, extra %d; want 3, 2, 3", k.Len(), k.Repeated(), k.Extra())
	}
	if line, nth := k.Lookup([]byte("c"), 42); nth != 2 || line != 4 {
		t.Errorf("c: line %d, occurrence %d; want 4, 2", line, nth)
	}
	if line, nth := k.Lookup([]byte("a"), 42); nth != 4 || line != 1 {
		t.Errorf("a: line %d, occurrence %d; want 1, 4", line, nth)
	}
}

// TestAdd holds Add to a map through the table's growth: every key's first
// line and occurrence count, the prefix of a key and the empty key
// distinct from it.
func TestAdd(t *testing.T) {
	k := New()
	type seen struct{ first, n int }
	ref := map[string]*seen{}
	for i := range 300000 {
		key := fmt.Sprintf("k%d", (i*7919)%200000)
		if i%1000 == 0 {
			key = key[:1] // "k": a prefix of every other key
		}
		line := i + 2
		first, nth := k.Add([]byte(key), line)
		r := ref[key]
		if r == nil {
			ref[key] = &seen{first: line, n: 1}
			if nth != 0 {
				t.Fatalf("new key %q: line %d, occurrence %d; want 0, 0", key, first, nth)
			}
			continue
		}
		r.n++
		if first != r.first || nth != r.n {
			t.Fatalf("key %q: line %d, occurrence %d; want %d, %d", key, first, nth, r.first, r.n)
		}
	}
	if _, nth := k.Add(nil, 1); nth != 0 {
		t.Error("the empty key was found before it was added")
	}
	if _, nth := k.Add([]byte{}, 2); nth != 2 {
		t.Error("the empty key was not found again")
	}
	if k.Len() != len(ref)+1 {
		t.Errorf("%d keys, want %d", k.Len(), len(ref)+1)
	}
}
