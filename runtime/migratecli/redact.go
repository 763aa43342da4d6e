package migratecli

import (
	"io"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/strata-go/strata/internal/dburl"
)

// redacted is what a password is replaced by.
const redacted = dburl.Redacted

// Redact returns rawURL with any password replaced by "xxxxx": the one in
// the user information of a URL (user:password@host), whether or not "//"
// follows its scheme (postgres://alice:pw@db/app, postgres:/alice:pw@db/app
// and postgres:alice:pw@db/app alike), and the value of any password or
// sslpassword setting, as a query parameter (?password=pw) or in a
// key=value connection string (host=db password=pw). The rest of rawURL is
// left as it was, even when it is not a well-formed URL.
func Redact(rawURL string) string { return dburl.Redact(rawURL) }

// secretsIn returns the passwords written in text, a whole command-line
// argument or environment value: those of the user information of the URLs
// in it and the values of its password settings, as [Redact] finds them,
// each also percent-decoded and quoted as Go quotes strings when that
// differs. It leaves out empty ones.
func secretsIn(text string) []string {
	var found []string
	for _, sp := range dburl.UserPasswords(text) {
		found = append(found, text[sp.Start:sp.End])
	}
	for _, v := range dburl.PasswordSettings(text) {
		found = append(found, v, unquoteSetting(v))
	}
	return withForms(found)
}

// secretsInMessage returns the passwords that a message, such as an error,
// quotes: those [secretsIn] finds in each string the message quotes as Go
// does and in each of its words, split at spaces and quotes. A URL or a
// setting, taken out of the text around it, cannot be told from that text
// otherwise.
func secretsInMessage(msg string) []string {
	var found []string
	words := strings.FieldsFunc(msg, func(r rune) bool { return unicode.IsSpace(r) || strings.ContainsRune("\"'`", r) })
	for _, q := range goQuoted.FindAllString(msg, -1) {
		if s, err := strconv.Unquote(q); err == nil {
			words = append(words, s)
		}
	}
	for _, w := range words {
		found = append(found, secretsIn(w)...)
	}
	return withForms(found)
}

// goQuoted matches a string quoted as Go's %q quotes it.
var goQuoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// unquoteSetting returns the value of a password setting without the
// single quotes and backslash escapes of a libpq connection string, or
// value as it is when it is not quoted.
func unquoteSetting(value string) string {
	if !strings.HasPrefix(value, "'") {
		return value
	}
	value = strings.TrimSuffix(strings.TrimPrefix(value, "'"), "'")
	var b strings.Builder
	for i := 0; i < len(value); i++ {
		if value[i] == '\\' && i+1 < len(value) {
			i++
		}
		b.WriteByte(value[i])
	}
	return b.String()
}

// withForms returns secrets with the other forms in which each may be
// printed: percent-decoded, as in a URL's user information or query, and
// quoted as Go's %q quotes it, without its quotes. It leaves out empty
// secrets and repeats.
func withForms(secrets []string) []string {
	var forms []string
	for _, s := range secrets {
		decoded := []string{s}
		if d, err := url.PathUnescape(s); err == nil {
			decoded = append(decoded, d)
		}
		if d, err := url.QueryUnescape(s); err == nil {
			decoded = append(decoded, d)
		}
		for _, d := range decoded {
			q := strconv.Quote(d)
			forms = append(forms, d, q[1:len(q)-1])
		}
	}
	forms = slices.DeleteFunc(forms, func(s string) bool { return s == "" })
	if len(forms) == 0 {
		return nil
	}
	slices.Sort(forms)
	return slices.Compact(forms)
}

// A scrubber hides the passwords of one run of the app from what it
// prints. It is safe for concurrent use once its secrets are collected.
type scrubber struct {
	mu       sync.RWMutex
	secrets  []string
	replacer *strings.Replacer
}

// collect adds to the passwords sc hides those written in texts, such as
// the arguments of the run, as [secretsIn] finds them.
func (sc *scrubber) collect(texts ...string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	for _, t := range texts {
		sc.secrets = append(sc.secrets, secretsIn(t)...)
	}
	sc.replacer = replacerOf(sc.secrets)
}

// scrub returns text with each password sc knows replaced by "xxxxx".
func (sc *scrubber) scrub(text string) string {
	sc.mu.RLock()
	defer sc.mu.RUnlock()
	if sc.replacer == nil {
		return text
	}
	return sc.replacer.Replace(text)
}

// scrubMessage is scrub, after replacing too the passwords that msg quotes
// itself ([secretsInMessage]): an error may quote an argument that the
// run could not read, before it collected its arguments.
func (sc *scrubber) scrubMessage(msg string) string {
	if own := secretsInMessage(msg); len(own) > 0 {
		msg = replacerOf(own).Replace(msg)
	}
	return sc.scrub(msg)
}

// replacerOf returns a replacer of each of secrets by "xxxxx", the longest
// first, so that a password holding another is replaced whole.
func replacerOf(secrets []string) *strings.Replacer {
	sorted := slices.Clone(secrets)
	slices.SortFunc(sorted, func(a, b string) int { return len(b) - len(a) })
	pairs := make([]string, 0, 2*len(sorted))
	for _, s := range sorted {
		pairs = append(pairs, s, redacted)
	}
	return strings.NewReplacer(pairs...)
}

// scrubWriter writes to w what is written to it, with the passwords its
// scrubber knows replaced. It scrubs each Write whole, so a password is
// hidden when it is written at once, as the app writes each line: it keeps
// nothing back, and what is written shows at once. It is safe for
// concurrent use.
type scrubWriter struct {
	w  io.Writer
	sc *scrubber
	mu sync.Mutex
}

func (sw *scrubWriter) Write(p []byte) (int, error) {
	clean := sw.sc.scrub(string(p))
	sw.mu.Lock()
	defer sw.mu.Unlock()
	if _, err := io.WriteString(sw.w, clean); err != nil {
		return 0, err
	}
	return len(p), nil
}
