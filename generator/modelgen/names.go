package modelgen

import (
	"go/token"
	"strconv"
	"strings"
	"unicode"
)

// initialisms are the words Go writes in capitals (golint's list, plus a
// few common in schemas): user_id is UserID, not UserId.
var initialisms = map[string]bool{
	"ACL": true, "API": true, "ASCII": true, "CPU": true, "CSS": true, "CSV": true, "DNS": true,
	"EOF": true, "GUID": true, "HTML": true, "HTTP": true, "HTTPS": true, "ID": true, "IP": true,
	"JSON": true, "LHS": true, "QPS": true, "RAM": true, "RHS": true, "RPC": true, "SKU": true,
	"SLA": true, "SMTP": true, "SQL": true, "SSH": true, "TCP": true, "TLS": true, "TTL": true,
	"UDP": true, "UI": true, "UID": true, "UUID": true, "URI": true, "URL": true, "UTF8": true,
	"VM": true, "XML": true, "XMPP": true, "XSRF": true, "XSS": true,
}

// goName turns an SQL name into an exported Go name: user_id is UserID,
// html_body is HTMLBody, 2fa_secret is X2faSecret.
func goName(sqlName string) string {
	var b strings.Builder
	for _, word := range strings.FieldsFunc(sqlName, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if up := strings.ToUpper(word); initialisms[up] {
			b.WriteString(up)
			continue
		}
		rs := []rune(word)
		rs[0] = unicode.ToUpper(rs[0])
		b.WriteString(string(rs))
	}
	name := b.String()
	if name == "" || !unicode.IsLetter([]rune(name)[0]) {
		name = "X" + name
	}
	return name
}

// singular returns a simple singular of the last word of a table name:
// users is user, categories category, addresses address; a name that
// does not look plural is returned as it is.
func singular(name string) string {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, "ies") && len(name) > 4:
		return name[:len(name)-3] + "y"
	case strings.HasSuffix(lower, "sses"), strings.HasSuffix(lower, "xes"),
		strings.HasSuffix(lower, "ches"), strings.HasSuffix(lower, "shes"):
		return name[:len(name)-2]
	case strings.HasSuffix(lower, "ss"), strings.HasSuffix(lower, "us"), strings.HasSuffix(lower, "is"):
		return name
	case strings.HasSuffix(lower, "s") && len(name) > 1:
		return name[:len(name)-1]
	}
	return name
}

// namer hands out Go names that do not collide with each other, nor with
// Go's keywords and the names the file imports.
type namer struct {
	used map[string]bool
}

func newNamer(reserved ...string) *namer {
	n := &namer{used: map[string]bool{}}
	for _, r := range reserved {
		n.used[r] = true
	}
	return n
}

// take returns name, or name with a suffix when name is taken, and marks
// the result taken.
func (n *namer) take(name string, suffixes ...string) string {
	candidate := name
	for _, s := range suffixes {
		if !n.free(candidate) {
			candidate = name + s
		}
	}
	for i := 2; !n.free(candidate); i++ {
		candidate = name + strconv.Itoa(i)
	}
	n.used[candidate] = true
	return candidate
}

func (n *namer) free(name string) bool { return !n.used[name] && !token.IsKeyword(name) }
