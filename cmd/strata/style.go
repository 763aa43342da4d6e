package main

import (
	"io"
	"os"

	"github.com/strata-go/strata/generator"
)

// style colours what makemigrations prints: on a terminal, unless NO_COLOR
// is set (https://no-color.org), and never into a file or a pipe.
type style struct{ color bool }

// newStyle returns the style for output written to w.
func newStyle(w io.Writer) style {
	if _, set := os.LookupEnv("NO_COLOR"); set {
		return style{}
	}
	f, ok := w.(*os.File)
	if !ok {
		return style{}
	}
	info, err := f.Stat()
	return style{color: err == nil && info.Mode()&os.ModeCharDevice != 0}
}

// ANSI colours of the summary's signs.
const (
	green  = "\x1b[32m"
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	reset  = "\x1b[0m"
)

// line spells a summary line, coloured by its sign; a destructive change,
// or one that rewrites a table, is red whatever its sign.
func (s style) line(l generator.Line) string {
	if !s.color {
		return l.String()
	}
	color := yellow
	switch {
	case l.Destructive != "", l.Rewrites != "":
		color = red
	case l.Sign == '+':
		color = green
	case l.Sign == '-':
		color = red
	}
	return color + l.String() + reset
}
