package configdiff

import (
	"strings"
	"unicode"
)

var secretWords = map[string]bool{
	"password": true, "passwords": true, "passwd": true,
	"secret": true, "secrets": true,
	"token":      true,
	"credential": true, "credentials": true,
	"apikey": true,
}

var secretPairs = map[[2]string]bool{
	{"api", "key"}:     true,
	{"private", "key"}: true,
}

// IsSecret reports whether the value at p is secret: a name segment of p,
// split into words at '_', '-', '.', other punctuation and camelCase
// boundaries (apiKey: api key; APIKey: api key), holds one of the words
// password, passwords, passwd, secret, secrets, token, credential,
// credentials, apikey or the pairs "api key", "private key"
// (case-insensitive); or extra covers p. Everything below a secret key is
// secret; index segments never are.
func IsSecret(p Path, extra GlobSet) bool {
	for _, s := range p {
		if !s.IsIndex && secretName(s.Name) {
			return true
		}
	}
	return extra.Covers(p)
}

func secretName(name string) bool {
	words := SplitWords(name)
	for i, w := range words {
		if secretWords[w] {
			return true
		}
		if i > 0 && secretPairs[[2]string{words[i-1], w}] {
			return true
		}
	}
	return false
}

// SplitWords splits a name into lower-case words: at every character that
// is neither a letter nor a digit, and at camelCase boundaries (apiKey,
// oauth2Token, APIKey: the K starts a word).
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
		switch {
		case unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
			// apiKey, oauth2Token
			flush(i)
			start = i
		case unicode.IsUpper(r) && unicode.IsUpper(prev) && i+1 < len(rs) && unicode.IsLower(rs[i+1]):
			// APIKey: the K starts a word
			flush(i)
			start = i
		}
	}
	flush(len(rs))
	return words
}
