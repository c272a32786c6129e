// Package configdiff loads configuration files written in TOML, YAML, JSON
// or .env into one keyed tree that keeps the file's own positions, and
// compares two such trees leaf by leaf.
//
// A [Tree] is made of [Node] values addressed by a [Path] such as
// `servers."eu.west".hosts[0]`; every node records where its key and its
// value are written (1-based line and column, the column counted in Unicode
// code points). [Glob] patterns (`*` one segment, `**` any number of
// segments) select keys, [Diff] reports the differences between a staging
// and a production tree per leaf, [IsSecret] tells which keys hold secrets,
// [Digest] and [SecretDigest] bind a sign-off to an exact value without
// revealing it, and [Show] renders a value for people.
//
// # Secrets
//
// A value is secret ([Node.Secret]) when its key is ([IsSecret]: the
// contract's word rules, or a manifest secrets glob), when it is a YAML
// alias's copy of a node written under a secret key, when it looks like a
// credential ([LooksLikeCredential]: a token of a known service, an AWS
// access key id, a JSON Web Token, a private key), or when a value below
// it is secret. A difference is secret when either side is
// ([Change.Secret]). Every gate prints a config value through
// [Node.Display] or [Display], which say "(secret)" instead.
//
// # Values
//
// Every scalar has a [Kind] and a canonical text ([Node.Text]): two values
// are equal when both are equal, whatever format they were written in.
//
//   - integers: decimal, no leading '+' or zeros, any size ("4000", "-12");
//     a number written without fraction or exponent is an integer in every
//     format (JSON 1 is an integer, 1.0 and 1e3 are floats)
//   - floats: strconv.FormatFloat(f, 'g', -1, 64) ("1000", "0.5", "1e+21"),
//     with "inf", "-inf" and "nan" for the special values and "0" for -0
//   - bools: "true", "false"; null: "null"
//   - date-times with an offset: RFC 3339 with a 'T', an upper-case 'Z' for
//     a zero offset and the fraction of a second without trailing zeros
//     ("1979-05-27T07:32:00.5Z"); TOML local date-times (no offset) keep the
//     same form without an offset ("1979-05-27T07:32:00"), so they never
//     equal a date-time with an offset
//   - dates: "2006-01-02"; times (TOML local times): "15:04:05" plus the
//     fraction without trailing zeros
//   - strings: their exact text; every .env value is a string
//
// A number that is a float by its syntax but out of float64's range
// (JSON or TOML 1e400, YAML 1e400 or !!float 1e400) is refused with an
// error in every format, rather than loaded as ±inf or as a string; a
// float too small for float64 loads as 0.
//
// [Show] renders an integral float with ".0" ("10.0") so that a person
// tells it from the integer 10; the canonical text stays "10".
//
// # Conformance
//
// A file written with CRLF line ends loads as its LF copy, multi-line
// strings included. JSON with invalid UTF-8 or a lone surrogate escape is
// refused at its position (encoding/json would load U+FFFD). YAML is read
// as 1.2: a `%YAML 1.2` directive and the `\/` escape are accepted, and a
// file holds one document (empty ones after it, a trailing `---`, are
// ignored). A TOML time may have any fraction of a second (`00:32:00.5`).
// A file named .env, .env.NAME or NAME.env is a .env file ([FormatOf]).
//
// # Canonical encoding
//
// The canonical encoding of a value is what [Digest] hashes (SHA-256) and
// [SecretDigest] derives a key from (Argon2id). It is part of the sign-off
// file format and must never change; a new encoding would get a new version
// line. Version 1 is the bytes
//
//	"preflight-configdiff-v1\n" VALUE
//
// where VALUE, for a scalar or an empty map or list, is
//
//	KIND "\n" LEN "\n" TEXT
//
// KIND being the [Kind] name ("null", "bool", "integer", "float",
// "string", "date-time", "date", "time", "map", "list"), TEXT the canonical
// text ("" for maps and lists) and LEN its length in bytes in decimal. A
// non-empty map is "map\n" N "\n" followed, for each of its N entries in
// byte order of their names, by LEN "\n" NAME VALUE; a non-empty list is
// "list\n" N "\n" followed by the VALUE of each element in order.
//
// # Positions and errors
//
// Load and Parse fail with an [*Error] carrying the file's own line and
// column when known: syntax errors, a key repeated in one mapping or file,
// several YAML documents in one file, or a top level that is not a mapping.
// Where the YAML library gives only a line, the error has only a line.
//
// An error message never quotes a value, which may be a secret: a value
// that cannot be loaded is named by its key ("value of "password" is not a
// valid integer (tag !!int)"), characters the parsers would quote are
// left out (the position points at them), and a .env line without '='
// quotes at most its first word, when that looks like a variable name.
//
// Nesting is limited to 256 levels (a top-level key is at level 1), far
// beyond any real configuration: every node keeps its whole path, so the
// cost of depth grows with its square. Every loader refuses a deeper value
// while it parses ("nesting deeper than 256 levels", at that value); the
// YAML and TOML libraries themselves stop at 10,000 levels of flow
// collections or arrays with their own error. The paths and keys of all
// nodes together are limited to 256 MiB, which stops long names repeated
// under many values, and a tree to 1,000,000 nodes.
package configdiff
