package docs

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

var (
	linkRe    = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	headingRe = regexp.MustCompile(`^#{1,6}\s+(.*?)\s*#*$`)
)

// TestLinksLeadSomewhere checks the relative links of every page: the file
// exists and, for a page of this directory, so does the heading the #anchor
// names.
func TestLinksLeadSomewhere(t *testing.T) {
	anchors := map[string]map[string]bool{}
	for _, p := range pages(t) {
		anchors[p.name] = p.anchors()
	}
	for _, p := range pages(t) {
		for i, l := range p.prose() {
			for _, m := range linkRe.FindAllStringSubmatch(l, -1) {
				target := m[1]
				if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				file, anchor, _ := strings.Cut(target, "#")
				if file == "" {
					file = p.name
				} else if _, err := os.Stat(filepath.FromSlash(file)); err != nil {
					t.Errorf("%s:%d: link to %s: no such file", p.name, i+1, file)
					continue
				}
				if set, ok := anchors[file]; ok && anchor != "" && !set[anchor] {
					t.Errorf("%s:%d: link to %s: %s has no heading with that anchor", p.name, i+1, target, file)
				}
			}
		}
	}
}

// prose returns the page's lines with those of code blocks blanked, so
// that line numbers stay.
func (p *page) prose() []string {
	lines := make([]string, len(p.lines))
	copy(lines, p.lines)
	for _, b := range p.blocks {
		for i := b.first - 1; i <= b.last; i++ {
			lines[i] = ""
		}
	}
	return lines
}

// anchors returns the anchors GitHub gives the page's headings.
func (p *page) anchors() map[string]bool {
	set := map[string]bool{}
	seen := map[string]int{}
	for _, l := range p.prose() {
		m := headingRe.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		a := slug(m[1])
		if n := seen[a]; n > 0 {
			set[fmt.Sprintf("%s-%d", a, n)] = true
		} else {
			set[a] = true
		}
		seen[a]++
	}
	return set
}

// slug turns a heading into its anchor as GitHub does: lower case, spaces
// to hyphens, punctuation other than hyphens and underscores dropped.
func slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
