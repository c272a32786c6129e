package mcpfile

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strconv"

	"github.com/preflight-gate/preflight/checks/internal/jsonc"
)

// Launch is what the approval digest binds of a server's spec: its
// command, args and url. Env and header values are not part of it.
type Launch struct {
	Command *string
	Args    []string
	URL     *string
}

// encodingHeader starts version 1 of the canonical encoding. It is part
// of the sign-off file format: never change it or the encoding below; a
// new encoding gets a new header, and digests of the old one stay valid.
const encodingHeader = "preflight-mcp-v1\n"

// Encode returns the canonical encoding of a server's launch and tools
// that [Digest] hashes. Version 1 is the bytes
//
//	"preflight-mcp-v1\n"
//	"command\n" OPT  "args\n" N "\n" (LEN "\n" TEXT)*N  "url\n" OPT
//	"tools\n" N "\n" (LEN "\n" TOOL)*N
//
// where OPT is "-\n" when the field is absent, else LEN "\n" TEXT; LEN is
// the length in bytes, in decimal, of what follows its "\n"; N a count in
// decimal. Each TOOL is the encoding of the tool's whole JSON object as a
// VALUE, and the tools are ordered by the bytes of their encodings, so the
// order of the tools in the snapshot does not matter. A VALUE is
//
//	"null\n" | "bool\n" TEXT "\n" | "number\n" LEN "\n" LITERAL
//	| "string\n" LEN "\n" TEXT
//	| "object\n" N "\n" (LEN "\n" NAME VALUE)*N   (members in byte order of their names)
//	| "array\n" N "\n" VALUE*N                     (elements in order)
//
// TEXT being a string's decoded text (escapes resolved: "\u0041" is "A")
// and LITERAL a number exactly as written. White space, comments, trailing
// commas and the order of an object's members do not matter; any other
// change to a tool, its description or its schema does.
func Encode(l Launch, tools []Tool) []byte {
	var b bytes.Buffer
	b.WriteString(encodingHeader)
	b.WriteString("command\n")
	writeOpt(&b, l.Command)
	b.WriteString("args\n")
	b.WriteString(strconv.Itoa(len(l.Args)))
	b.WriteByte('\n')
	for _, a := range l.Args {
		writeText(&b, a)
	}
	b.WriteString("url\n")
	writeOpt(&b, l.URL)
	enc := make([][]byte, len(tools))
	for i, t := range tools {
		var tb bytes.Buffer
		encodeValue(&tb, t.Value)
		enc[i] = tb.Bytes()
	}
	slices.SortFunc(enc, bytes.Compare)
	b.WriteString("tools\n")
	b.WriteString(strconv.Itoa(len(enc)))
	b.WriteByte('\n')
	for _, e := range enc {
		b.WriteString(strconv.Itoa(len(e)))
		b.WriteByte('\n')
		b.Write(e)
	}
	return b.Bytes()
}

// Digest returns "sha256:" and the hex SHA-256 of [Encode].
func Digest(l Launch, tools []Tool) string {
	sum := sha256.Sum256(Encode(l, tools))
	return "sha256:" + hex.EncodeToString(sum[:])
}

func writeOpt(b *bytes.Buffer, s *string) {
	if s == nil {
		b.WriteString("-\n")
		return
	}
	writeText(b, *s)
}

func writeText(b *bytes.Buffer, s string) {
	b.WriteString(strconv.Itoa(len(s)))
	b.WriteByte('\n')
	b.WriteString(s)
}

func encodeValue(b *bytes.Buffer, v *jsonc.Value) {
	switch v.Kind {
	case jsonc.Null:
		b.WriteString("null\n")
	case jsonc.Bool:
		b.WriteString("bool\n")
		b.WriteString(v.Text)
		b.WriteByte('\n')
	case jsonc.Number:
		b.WriteString("number\n")
		writeText(b, v.Text)
	case jsonc.String:
		b.WriteString("string\n")
		writeText(b, v.Text)
	case jsonc.Object:
		b.WriteString("object\n")
		b.WriteString(strconv.Itoa(len(v.Members)))
		b.WriteByte('\n')
		ms := slices.Clone(v.Members)
		sort.SliceStable(ms, func(i, j int) bool { return ms[i].Name < ms[j].Name })
		for _, m := range ms {
			writeText(b, m.Name)
			encodeValue(b, m.Value)
		}
	case jsonc.Array:
		b.WriteString("array\n")
		b.WriteString(strconv.Itoa(len(v.Elems)))
		b.WriteByte('\n')
		for _, e := range v.Elems {
			encodeValue(b, e)
		}
	}
}
