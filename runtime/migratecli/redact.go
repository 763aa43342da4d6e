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
)

// redacted is what a password is replaced by.
const redacted = "xxxxx"

// Redact returns rawURL with any password replaced by "xxxxx": the one in
// the user information of a URL (user:password@host), whether or not "//"
// follows its scheme (postgres://alice:pw@db/app, postgres:/alice:pw@db/app
// and postgres:alice:pw@db/app alike), and the value of any password or
// sslpassword setting, as a query parameter (?password=pw) or in a
// key=value connection string (host=db password=pw). The rest of rawURL is
// left as it was, even when it is not a well-formed URL.
func Redact(rawURL string) string {
	s := passwordSetting.ReplaceAllString(rawURL, "${1}${2}"+redacted)
	spans := userPasswords(s)
	for k := len(spans) - 1; k >= 0; k-- {
		s = s[:spans[k].start] + redacted + s[spans[k].end:]
	}
	return s
}

// passwordSetting matches a password given as a query parameter or as a
// key=value setting (password=..., sslpassword=...): the character before
// it, the key with its '=', then the value, quoted as in a libpq
// connection string or running to the next '&', '#' or space.
var passwordSetting = regexp.MustCompile(`(?i)(^|[?&;\s])((?:ssl)?password\s*=\s*)('(?:[^'\\]|\\.)*'?|[^&#\s]*)`)

// scheme matches the scheme of a URL with its colon.
var scheme = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*:`)

// span is where a password lies in a string: s[start:end].
type span struct{ start, end int }

// userPasswords returns where the passwords of the user information of the
// URLs in s lie: for each scheme, such as "postgres:", followed by any
// number of '/' and user:password@host, the password. An '@' ends the
// user information: the last one before the query or fragment or, when
// none comes before them, the last one of all; and the user name holds no
// '/', '?' or '#'. So a password holding an unescaped '/', '@', '?' or '#'
// is still found whole, while neither a query such as
// ?application_name=a:b@c nor a file path such as sqlite:/data/a:b@c.db is
// taken for user information. A database name holding an '@' is redacted
// too much, which is the safe way to be wrong.
func userPasswords(s string) []span {
	var spans []span
	for i := 0; i < len(s); {
		loc := scheme.FindStringIndex(s[i:])
		if loc == nil {
			break
		}
		after := i + loc[1]
		sp, ok := userPassword(s, after)
		if !ok {
			i = after
			continue
		}
		spans = append(spans, sp)
		i = sp.end + 1 // past the '@'
	}
	return spans
}

// userPassword finds the password of the user information that starts at
// from, just after a scheme's colon, as [userPasswords] describes. Its
// span ends at the '@' that ends the user information.
func userPassword(s string, from int) (span, bool) {
	auth := from
	for auth < len(s) && s[auth] == '/' {
		auth++
	}
	rest := s[auth:]
	authority := rest
	if end := strings.IndexAny(rest, "?#"); end >= 0 {
		authority = rest[:end]
	}
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		at = strings.LastIndex(rest, "@")
	}
	if at < 0 {
		return span{}, false
	}
	user, password, ok := strings.Cut(rest[:at], ":")
	switch {
	case !ok, strings.ContainsAny(user, "/?#"):
		return span{}, false
	case strings.HasPrefix(password, "//"):
		// user was a scheme: another URL starts here.
		return span{}, false
	}
	start := auth + len(user) + 1
	return span{start, start + len(password)}, true
}

// secretsIn returns the passwords written in text, a whole command-line
// argument or environment value: those of the user information of the URLs
// in it and the values of its password settings, as [Redact] finds them,
// each also percent-decoded and quoted as Go quotes strings when that
// differs. It leaves out empty ones.
func secretsIn(text string) []string {
	var found []string
	for _, sp := range userPasswords(text) {
		found = append(found, text[sp.start:sp.end])
	}
	for _, m := range passwordSetting.FindAllStringSubmatch(text, -1) {
		found = append(found, m[3], unquoteSetting(m[3]))
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
