package migratecli

import (
	"context"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// warningLogger returns the logger the commands give the runtime: the
// warnings it logs, such as a wait for the migration lock, are for the
// person running the command. It writes each record at [slog.LevelWarn] or
// above to w as one line, "migrate: " and the message without its
// "strata: " prefix, followed by the record's attributes as key=value
// pairs, and drops the others. The keys of attributes in groups are
// prefixed with the group names and a dot.
func warningLogger(w io.Writer) *slog.Logger {
	return slog.New(&warningHandler{w: w, mu: new(sync.Mutex)})
}

// warningHandler is the [slog.Handler] of [warningLogger].
type warningHandler struct {
	w  io.Writer
	mu *sync.Mutex // shared by the handlers made from one, around writes
	// attrs are the attributes of WithAttrs, rendered, each after a
	// space.
	attrs string
	// prefix is the names of the groups of WithGroup, each followed by a
	// dot.
	prefix string
}

func (h *warningHandler) Enabled(_ context.Context, level slog.Level) bool {
	return level >= slog.LevelWarn
}

func (h *warningHandler) Handle(_ context.Context, r slog.Record) error {
	var b strings.Builder
	msg := strings.TrimPrefix(r.Message, "strata: ")
	b.WriteString(name + ": " + strings.ReplaceAll(msg, "\n", " "))
	b.WriteString(h.attrs)
	r.Attrs(func(a slog.Attr) bool {
		writeAttr(&b, h.prefix, a)
		return true
	})
	b.WriteByte('\n')
	h.mu.Lock()
	defer h.mu.Unlock()
	_, err := io.WriteString(h.w, b.String())
	return err
}

func (h *warningHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	var b strings.Builder
	for _, a := range attrs {
		writeAttr(&b, h.prefix, a)
	}
	h2 := *h
	h2.attrs += b.String()
	return &h2
}

func (h *warningHandler) WithGroup(group string) slog.Handler {
	if group == "" {
		return h
	}
	h2 := *h
	h2.prefix += group + "."
	return &h2
}

// writeAttr writes a to b as " key=value", its key after prefix; a group
// as its attributes, their keys after its own; nothing for an empty
// attribute.
func writeAttr(b *strings.Builder, prefix string, a slog.Attr) {
	a.Value = a.Value.Resolve()
	if a.Equal(slog.Attr{}) {
		return
	}
	if a.Value.Kind() == slog.KindGroup {
		if a.Key != "" {
			prefix += a.Key + "."
		}
		for _, ga := range a.Value.Group() {
			writeAttr(b, prefix, ga)
		}
		return
	}
	b.WriteString(" " + prefix + a.Key + "=" + attrValue(a.Value))
}

// attrValue renders v as text, quoted as Go quotes strings when it is
// empty or holds a space, a quote, an '=' or a character that does not
// print.
func attrValue(v slog.Value) string {
	s := v.String()
	if v.Kind() == slog.KindTime {
		s = v.Time().Format(time.RFC3339Nano)
	}
	if s == "" || strings.ContainsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '"' || r == '=' || !unicode.IsPrint(r)
	}) {
		return strconv.Quote(s)
	}
	return s
}
