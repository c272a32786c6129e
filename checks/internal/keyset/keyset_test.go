package keyset

import (
	"bytes"
	"errors"
	"fmt"
	"math/bits"
	"testing"
)

// stored is the caller's side of a set in these tests: the keys added, by
// ref.
type stored struct {
	keys     [][]byte
	confirms int
}

func (st *stored) confirm(ref uint64, key []byte) (bool, error) {
	st.confirms++
	return bytes.Equal(st.keys[ref], key), nil
}

// add is Add, keeping the key as the caller does.
func (st *stored) add(k *Set, key []byte, line int) (int, int) {
	first, nth := k.Add(key, line, uint64(len(st.keys)))
	if nth == 0 {
		st.keys = append(st.keys, bytes.Clone(key))
	}
	return first, nth
}

// TestExact forces every key onto one hash: duplicates must still be exact.
func TestExact(t *testing.T) {
	st := &stored{}
	k := New(st.confirm, 0)
	for i, key := range []string{"a", "b", "a", "c", "b", "a"} {
		if _, nth := k.Lookup([]byte(key), 42); nth == 0 {
			k.Insert(42, i+1, uint64(len(st.keys)))
			st.keys = append(st.keys, []byte(key))
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
// distinct from it; and confirms are about as many as the repeats.
func TestAdd(t *testing.T) {
	st := &stored{}
	k := New(st.confirm, 0)
	type seen struct{ first, n int }
	ref := map[string]*seen{}
	repeats := 0
	for i := range 300000 {
		key := fmt.Sprintf("k%d", (i*7919)%200000)
		if i%1000 == 0 {
			key = key[:1] // "k": a prefix of every other key
		}
		line := i + 2
		first, nth := st.add(k, []byte(key), line)
		r := ref[key]
		if r == nil {
			ref[key] = &seen{first: line, n: 1}
			if nth != 0 {
				t.Fatalf("new key %q: line %d, occurrence %d; want 0, 0", key, first, nth)
			}
			continue
		}
		r.n++
		repeats++
		if first != r.first || nth != r.n {
			t.Fatalf("key %q: line %d, occurrence %d; want %d, %d", key, first, nth, r.first, r.n)
		}
	}
	if _, nth := st.add(k, nil, 1); nth != 0 {
		t.Error("the empty key was found before it was added")
	}
	if _, nth := st.add(k, []byte{}, 2); nth != 2 {
		t.Error("the empty key was not found again")
	}
	if k.Len() != len(ref)+1 {
		t.Errorf("%d keys, want %d", k.Len(), len(ref)+1)
	}
	if k.Extra() != repeats+1 {
		t.Errorf("extra %d, want %d", k.Extra(), repeats+1)
	}
	// A confirm per repeat, and few for tags that match by chance.
	if st.confirms > repeats+1+len(ref)/100 {
		t.Errorf("%d confirms for %d repeats", st.confirms, repeats+1)
	}
}

// TestWideLines keeps lines beyond 32 bits.
func TestWideLines(t *testing.T) {
	if bits.UintSize < 64 {
		t.Skip("a line beyond 32 bits needs a 64-bit int")
	}
	st := &stored{}
	k := New(st.confirm, 0)
	var far64 int64 = 1 << 40
	far := int(far64)
	st.add(k, []byte("a"), far)
	st.add(k, []byte("b"), 7)
	if line, nth := st.add(k, []byte("a"), far+1); line != far || nth != 2 {
		t.Errorf("a: line %d, occurrence %d; want %d, 2", line, nth, far)
	}
	if line, _ := st.add(k, []byte("b"), far+2); line != 7 {
		t.Errorf("b: line %d, want 7", line)
	}
}

// TestConfirmError keeps the first error a confirm returns; the match is
// then taken for a new key.
func TestConfirmError(t *testing.T) {
	fail := errors.New("read failed")
	k := New(func(uint64, []byte) (bool, error) { return false, fail }, 0)
	k.Add([]byte("a"), 1, 0)
	if _, nth := k.Add([]byte("a"), 2, 0); nth != 0 || !errors.Is(k.Err(), fail) {
		t.Errorf("occurrence %d, err %v; want 0, %v", nth, k.Err(), fail)
	}
}

// TestRelease keeps the counts, of a set whose table is mapped (a large
// hint) and populates itself once it holds enough keys.
func TestRelease(t *testing.T) {
	st := &stored{}
	k := New(st.confirm, 1<<20)
	if k.backAt != len(k.slots)/backEvery || k.backAt == 0 {
		t.Fatalf("a new set of %d slots is to be populated at %d keys", len(k.slots), k.backAt)
	}
	for i := range 100000 {
		st.add(k, fmt.Appendf(nil, "%d", i%60000), i+1)
		if k.Len() <= len(k.slots)/backEvery && k.backAt < 0 || k.Len() > len(k.slots)/backEvery && k.backAt >= 0 {
			t.Fatalf("with %d keys in %d slots: backAt %d", k.Len(), len(k.slots), k.backAt)
		}
	}
	k.Release()
	if k.Len() != 60000 || k.Extra() != 40000 || k.Repeated() != 40000 {
		t.Errorf("after Release: %d keys, %d extra, %d repeated", k.Len(), k.Extra(), k.Repeated())
	}
}

// TestWideRefs keeps refs beyond 40 bits.
func TestWideRefs(t *testing.T) {
	byRef := map[uint64][]byte{}
	k := New(func(ref uint64, key []byte) (bool, error) { return bytes.Equal(byRef[ref], key), nil }, 0)
	for i, ref := range []uint64{7, 1<<40 + 3, 1<<39 + 5, 1 << 60} {
		key := fmt.Appendf(nil, "k%d", i)
		byRef[ref] = key
		k.Add(key, i+1, ref)
	}
	for i := range 4 {
		if line, nth := k.Add(fmt.Appendf(nil, "k%d", i), 10+i, 0); line != i+1 || nth != 2 {
			t.Errorf("k%d: line %d, occurrence %d; want %d, 2", i, line, nth, i+1)
		}
	}
}

// TestPut holds Put to Find then Insert on the same keys: the same index
// for every key seen before, and the same first line and ref for every
// key, through the table's growth, new chunks, wide refs and lines, and
// keys whose hashes collide.
func TestPut(t *testing.T) {
	keys := map[uint64]string{} // by ref
	confirm := func(ref uint64, key []byte) (bool, error) { return keys[ref] == string(key), nil }
	a, b := New(confirm, 0), New(confirm, 0)
	b.seed = a.seed
	x := uint64(1)
	for i := range 200_000 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		key := fmt.Appendf(nil, "k%d", x%150_000)
		h := a.Hash(key)
		if x%1000 == 0 {
			h = 42 // colliding hashes: matches must be confirmed
		}
		line, ref := i+1, uint64(i)
		if i%50_000 == 7 {
			line, ref = 1<<(bits.UintSize/2+1)+i, 1<<41+uint64(i) // too wide for the chunks (the line where an int has 64 bits)
		}
		got := a.Put(key, h, line, ref)
		want := b.Find(key, h)
		if want < 0 {
			b.Insert(h, line, ref)
			keys[ref] = string(key)
		}
		if got != want {
			t.Fatalf("key %d (%s): Put %d, Find %d", i, key, got, want)
		}
	}
	if a.Len() != b.Len() || a.Extra() != b.Extra() || a.Len() < 100_000 {
		t.Fatalf("Put: %d keys, %d repeats; Find and Insert: %d, %d", a.Len(), a.Extra(), b.Len(), b.Extra())
	}
	for i := range a.Len() {
		l1, r1 := a.First(i)
		if l2, r2 := b.First(i); l1 != l2 || r1 != r2 {
			t.Fatalf("key %d: Put's first line %d ref %d, Insert's %d %d", i, l1, r1, l2, r2)
		}
	}
}
