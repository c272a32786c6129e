package configdiff

import (
	"strings"
	"unicode"
)

// secretWords are the words that make a key secret on their own.
var secretWords = map[string]bool{
	"password": true, "passwords": true, "passwd": true, "pwd": true,
	"passphrase": true,
	"secret":     true, "secrets": true,
	"token":      true,
	"credential": true, "credentials": true,
	"apikey": true, "apikeys": true,
	"privatekey": true,
	"accesskey":  true,
}

// secretPairs are the pairs of adjacent words that make a key secret.
var secretPairs = map[[2]string]bool{
	{"api", "key"}:      true,
	{"api", "keys"}:     true,
	{"private", "key"}:  true,
	{"private", "keys"}: true,
	{"access", "key"}:   true,
	{"access", "keys"}:  true,
}

// secretSuffixes make a key secret when a word ends with one of them
// (sessiontoken, dbpassword).
var secretSuffixes = []string{"password", "passwd", "secret", "token", "credential"}

// IsSecret reports whether the key p is secret: a name segment of p, split
// into words at '_', '-', '.', other punctuation, camelCase boundaries and
// letter-digit boundaries (password1: password 1; oauth2token: oauth 2
// token; AWSAccessKeyId: aws access key id), has a word or a pair of
// adjacent words of the contract's list (password, passwords, passwd, pwd,
// passphrase, secret, secrets, token, credential, credentials, apikey,
// apikeys, privatekey, accesskey, "api key(s)", "private key(s)", "access
// key(s)"), or a word that ends with password, passwd, secret, token or
// credential; case-insensitive (max_tokens is not secret: tokens is
// another word). Or extra covers p. Everything below a secret key is
// secret; index segments never are.
//
// A value may be secret under a key that is not: see [Node.Secret].
func IsSecret(p Path, extra GlobSet) bool {
	for _, s := range p {
		if !s.IsIndex && IsSecretName(s.Name) {
			return true
		}
	}
	return extra.Covers(p)
}

// IsSecretName reports whether one key name (a segment, an environment
// variable or header name) is secret by the word rules of [IsSecret].
func IsSecretName(name string) bool {
	words := SplitWords(name)
	for i, w := range words {
		if secretWords[w] {
			return true
		}
		if i > 0 && secretPairs[[2]string{words[i-1], w}] {
			return true
		}
		for _, s := range secretSuffixes {
			if strings.HasSuffix(w, s) {
				return true
			}
		}
	}
	return false
}

// SplitWords splits a key name into lower-case words: at every character
// that is not a letter or a digit, between a lower-case letter (or a
// digit) and an upper-case letter (apiKey), before the last upper-case
// letter of a run that a lower-case letter follows (APIKey: API Key), and
// between letters and digits (oauth2token: oauth 2 token).
func SplitWords(name string) []string {
	var words []string
	rs := []rune(name)
	start := -1
	flush := func(end int) {
		if start >= 0 && end > start {
			words = append(words, strings.ToLower(string(rs[start:end])))
		}
		start = -1
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		prev := rs[i-1]
		split := false
		switch {
		case unicode.IsDigit(r) != unicode.IsDigit(prev):
			// password1, oauth2token
			split = true
		case unicode.IsUpper(r) && unicode.IsLower(prev):
			// apiKey
			split = true
		case unicode.IsUpper(r) && unicode.IsUpper(prev) && i+1 < len(rs) && unicode.IsLower(rs[i+1]):
			// APIKey: the K starts a word
			split = true
		}
		if split {
			flush(i)
			start = i
		}
	}
	flush(len(rs))
	return words
}

// credentialPrefixes start the tokens of well-known services.
var credentialPrefixes = []string{
	"sk-", "sk_live_", "sk_test_", "rk_live_",
	"ghp_", "gho_", "ghs_", "github_pat_", "glpat-",
	"xoxb-", "xoxp-", "AIza",
}

// LooksLikeCredential reports whether a string value looks like a
// credential, which makes it secret wherever it stands: at least 20
// characters without white space that start with sk-, sk_live_, sk_test_,
// rk_live_, ghp_, gho_, ghs_, github_pat_, glpat-, xoxb-, xoxp- or AIza, or
// AKIA or ASIA followed by 16 upper-case letters or digits; a JSON Web
// Token (three base64url parts joined by dots, the first starting with
// eyJ); or any text containing "-----BEGIN " and "PRIVATE KEY-----". A
// value holding such a token as one of its white-space separated words
// ("Bearer ghp_…") counts too.
func LooksLikeCredential(s string) bool {
	return CredentialKind(s) != ""
}

// CredentialKind says what kind of credential s looks like ("a private
// key", "a JSON Web Token", "an AWS access key id", "a token starting
// with ghp_"), or "" when it does not look like one (see
// [LooksLikeCredential]). It never quotes more of s than the prefix.
func CredentialKind(s string) string {
	if strings.Contains(s, "-----BEGIN ") && strings.Contains(s, "PRIVATE KEY-----") {
		return "a private key"
	}
	if k := tokenKind(s); k != "" {
		return k
	}
	if strings.IndexFunc(s, unicode.IsSpace) < 0 {
		return ""
	}
	for _, w := range strings.Fields(s) {
		if k := tokenKind(w); k != "" {
			return k
		}
	}
	return ""
}

// tokenKind judges one word without white space. A JSON Web Token has
// no minimum length; the service tokens have 20 characters or more.
func tokenKind(w string) string {
	if strings.IndexFunc(w, unicode.IsSpace) >= 0 {
		return ""
	}
	if isJWT(w) {
		return "a JSON Web Token"
	}
	if len(w) < 20 {
		return ""
	}
	for _, p := range credentialPrefixes {
		if strings.HasPrefix(w, p) {
			return "a token starting with " + p
		}
	}
	if strings.HasPrefix(w, "AKIA") || strings.HasPrefix(w, "ASIA") {
		ok := true
		for i := 4; i < 20; i++ {
			if c := w[i]; !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				ok = false
				break
			}
		}
		if ok {
			return "an AWS access key id"
		}
	}
	return ""
}

// isJWT reports whether w is three base64url parts joined by dots, the
// first starting with eyJ (a JSON object's "{"), the signature possibly
// empty (alg none).
func isJWT(w string) bool {
	if !strings.HasPrefix(w, "eyJ") {
		return false
	}
	parts := strings.Split(w, ".")
	if len(parts) != 3 || parts[1] == "" {
		return false
	}
	for _, p := range parts {
		for i := 0; i < len(p); i++ {
			c := p[i]
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// Secret reports whether n's value is secret: its key is secret
// ([IsSecret] with extra); n is a copy, made by a YAML alias, of a node
// under a secret key; it is a string that looks like a credential
// ([LooksLikeCredential]); or, for a map or a list, a node below it is
// secret. A nil node is not secret.
func (n *Node) Secret(extra GlobSet) bool {
	if n == nil {
		return false
	}
	if n.keyIsSecret(extra) || n.Kind == String && LooksLikeCredential(n.Text) {
		return true
	}
	for _, c := range n.Children {
		if c.Secret(extra) {
			return true
		}
	}
	return false
}

// SecretKey reports whether n is secret by its key alone: its key is
// secret ([IsSecret] with extra), or n is a copy, made by a YAML alias, of
// a node under a secret key. Unlike [Node.Secret] it ignores the value.
func (n *Node) SecretKey(extra GlobSet) bool {
	return n != nil && n.keyIsSecret(extra)
}

func (n *Node) keyIsSecret(extra GlobSet) bool {
	if IsSecret(n.Path, extra) {
		return true
	}
	return n.copied != nil && (n.copied.secret || len(extra) > 0 && n.copied.covers(n.Path, extra))
}

// Secret reports whether the change touches a secret: a value on either
// side is secret ([Node.Secret]), so a key whose value looks like a
// credential on one side is secret on both.
func (c Change) Secret(extra GlobSet) bool {
	return IsSecret(c.Path, extra) || c.Staging.Secret(extra) || c.Production.Secret(extra)
}

// Display renders a value for a finding, a report or a message, safely:
// "(secret)" when secret is set, else [Show]. Gates call it with
// n.Secret(extra), or use [Node.Display].
func Display(n *Node, secret bool) string {
	if secret && n != nil {
		return "(secret)"
	}
	return Show(n)
}

// Display renders n safely: "(secret)" when [Node.Secret] says so, else
// [Show]. Every gate that prints a config value prints it through here.
func (n *Node) Display(extra GlobSet) string {
	return Display(n, n.Secret(extra))
}
