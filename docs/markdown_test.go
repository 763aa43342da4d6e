package docs

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// A page is one Markdown file of this directory.
type page struct {
	name   string   // file name, such as "tags.md"
	lines  []string // without their line ends
	blocks []*block
}

// A block is one fenced code block of a page and the annotation on the line
// above it, which says how the block is tested.
type block struct {
	page *page
	line int    // 1-based number of the line of the opening fence
	lang string // the fence's info string: go, sql, sh, text, yaml
	// annotation is the text of the <!-- ... --> comment on the nearest
	// non-blank line above the fence, or "" when there is none.
	annotation string
	kind       string            // the annotation's first word
	args       []string          // its other words, but key=value ones
	opts       map[string]string // its key=value words
	body       string            // the block's lines, each ending with "\n"
	indent     string            // the fence's indentation, cut from the body
	// first and last delimit the body in page.lines: lines[first:last].
	first, last int
}

var (
	fenceRe      = regexp.MustCompile("^(\\s*)(```+)\\s*([A-Za-z0-9_+-]*)\\s*$")
	annotationRe = regexp.MustCompile(`^<!--\s*(.*?)\s*-->$`)
)

// readPage reads the Markdown file at path and finds its fenced blocks.
func readPage(path string) (*page, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p := &page{name: filepath.Base(path), lines: strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")}
	for i := 0; i < len(p.lines); i++ {
		m := fenceRe.FindStringSubmatch(p.lines[i])
		if m == nil {
			continue
		}
		b := &block{page: p, line: i + 1, indent: m[1], lang: m[3], first: i + 1, opts: map[string]string{}}
		end := -1
		for j := i + 1; j < len(p.lines); j++ {
			if strings.TrimSpace(p.lines[j]) == m[2] && strings.HasPrefix(p.lines[j], m[1]) {
				end = j
				break
			}
		}
		if end < 0 {
			return nil, fmt.Errorf("%s:%d: the fence is never closed", p.name, i+1)
		}
		b.last = end
		var body strings.Builder
		for _, l := range p.lines[b.first:b.last] {
			body.WriteString(strings.TrimPrefix(l, b.indent) + "\n")
		}
		b.body = body.String()
		b.readAnnotation(i)
		p.blocks = append(p.blocks, b)
		i = end
	}
	return p, nil
}

// readAnnotation reads the annotation of the block whose fence is on line
// index fence of its page.
func (b *block) readAnnotation(fence int) {
	for j := fence - 1; j >= 0; j-- {
		l := strings.TrimSpace(b.page.lines[j])
		if l == "" {
			continue
		}
		m := annotationRe.FindStringSubmatch(l)
		if m == nil {
			return
		}
		b.annotation = m[1]
		words := strings.Fields(m[1])
		if len(words) == 0 {
			return
		}
		b.kind = words[0]
		for _, w := range words[1:] {
			if k, v, ok := strings.Cut(w, "="); ok {
				b.opts[k] = v
			} else {
				b.args = append(b.args, w)
			}
		}
		return
	}
}

// where names the block for messages, as file:line of its fence.
func (b *block) where() string { return fmt.Sprintf("%s:%d", b.page.name, b.line) }

// arg returns the i-th positional word of the annotation, or "".
func (b *block) arg(i int) string {
	if i < len(b.args) {
		return b.args[i]
	}
	return ""
}

// has reports whether the annotation holds the word w.
func (b *block) has(w string) bool {
	for _, a := range b.args {
		if a == w {
			return true
		}
	}
	return false
}

// render returns the page's text with the bodies of the blocks in
// replaced by their new text.
func (p *page) render(replaced map[*block]string) string {
	var out strings.Builder
	next := 0
	for _, b := range p.blocks {
		body, ok := replaced[b]
		if !ok {
			continue
		}
		for _, l := range p.lines[next:b.first] {
			out.WriteString(l + "\n")
		}
		if body = strings.TrimSuffix(body, "\n"); body != "" {
			for _, l := range strings.Split(body, "\n") {
				if l != "" {
					l = b.indent + l
				}
				out.WriteString(l + "\n")
			}
		}
		next = b.last
	}
	for _, l := range p.lines[next:] {
		out.WriteString(l + "\n")
	}
	return out.String()
}
