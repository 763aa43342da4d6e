package load

import (
	"fmt"
	"slices"
	"strings"
)

// The options of the strata tag, in the order the docs list them.
var knownOptions = []string{
	"pk", "identity", "unique", "index", "size", "default", "fk", "on_delete", "on_update",
	"type", "type.postgres", "type.sqlite", "type.mysql", "json", "auto_now", "check", "renamed_from",
	"backfill", "using",
}

// flagOptions are the options that take no value.
var flagOptions = []string{"pk", "identity", "unique", "index", "json", "auto_now"}

// valueHints shows, for each option that takes a value, how to write one.
var valueHints = map[string]string{
	"size":          "size=320",
	"default":       "default='active' or default=0",
	"fk":            "fk=users.id",
	"on_delete":     "on_delete=cascade",
	"on_update":     "on_update=cascade",
	"type":          "type=numeric(10,2)",
	"type.postgres": "type.postgres=citext",
	"type.sqlite":   "type.sqlite=TEXT",
	"type.mysql":    "type.mysql=MEDIUMTEXT",
	"check":         "check=price >= 0",
	"renamed_from":  "renamed_from=old_name",
	"backfill":      "backfill='' or backfill=0",
	"using":         "using=CAST(code AS integer)",
}

// options are the parsed options of one strata tag.
type options map[string]string

// has reports whether the option key was given.
func (o options) has(key string) bool {
	_, ok := o[key]
	return ok
}

// parseOptions parses a strata tag. It returns the options it could read,
// and a message for each problem: unknown, repeated or malformed options.
func parseOptions(tag string) (options, []string) {
	opts := options{}
	if strings.TrimSpace(tag) == "" {
		return opts, nil
	}
	parts, problem := splitOptions(tag)
	if problem != "" {
		return opts, []string{problem}
	}
	var problems []string
	for _, part := range parts {
		key, value, hasValue := strings.Cut(part, "=")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch {
		case key == "":
			problems = append(problems, fmt.Sprintf("empty option in strata:%q: separate options with single commas", tag))
		case strings.HasPrefix(key, "type.") && !slices.Contains(knownOptions, key):
			problems = append(problems, fmt.Sprintf("unknown dialect %q in %s: write type.postgres=SQL, type.sqlite=SQL or type.mysql=SQL, or type=SQL for every dialect",
				strings.TrimPrefix(key, "type."), key))
		case !slices.Contains(knownOptions, key):
			problems = append(problems, fmt.Sprintf("unknown option %q%s", key, didYouMean(key, knownOptions)))
		case opts.has(key):
			problems = append(problems, fmt.Sprintf("option %s is given twice: keep one", key))
		case slices.Contains(flagOptions, key) && hasValue:
			problems = append(problems, fmt.Sprintf("option %s takes no value: write %s", key, key))
		case !slices.Contains(flagOptions, key) && value == "":
			problems = append(problems, fmt.Sprintf("option %s needs a value, such as %s", key, valueHints[key]))
		default:
			opts[key] = value
		}
	}
	return opts, problems
}

// splitOptions splits a strata tag at its top-level commas: commas inside
// parentheses or quotes do not separate options. It returns a message when
// a parenthesis or quote is not closed.
func splitOptions(tag string) ([]string, string) {
	var parts []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(tag); i++ {
		switch c := tag[i]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '(':
			depth++
		case c == ')':
			if depth == 0 {
				return nil, fmt.Sprintf("unbalanced ) in strata:%q", tag)
			}
			depth--
		case c == ',' && depth == 0:
			parts = append(parts, tag[start:i])
			start = i + 1
		}
	}
	switch {
	case quote == '\'':
		return nil, fmt.Sprintf("unclosed ' quote in strata:%q: inside an SQL string, write a quote twice, as in default='it''s'", tag)
	case quote != 0:
		return nil, fmt.Sprintf("unclosed %c quote in strata:%q", quote, tag)
	case depth > 0:
		return nil, fmt.Sprintf("unclosed ( in strata:%q", tag)
	}
	return append(parts, tag[start:]), ""
}
