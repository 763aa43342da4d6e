package migratecli

import (
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// withArguments wraps a command's action: it gives action the command's
// positional arguments, after setting the flags written among or after
// them. urfave/cli stops reading flags at the first argument, and
// `migrate sql 0002_add_bio --dialect sqlite` must work as written. A help
// flag among them shows the command's help instead of running it.
func withArguments(action func(c *cli.Context, args []string) error) cli.ActionFunc {
	return func(c *cli.Context) error {
		args, help, err := arguments(c)
		if err != nil {
			return err
		}
		if help {
			return cli.ShowCommandHelp(c.Lineage()[1], c.Command.Name)
		}
		return action(c, args)
	}
}

// arguments sets the flags among c's arguments, the way the flag package
// reads them, and returns the others in order. help reports a -h or --help.
func arguments(c *cli.Context) (args []string, help bool, err error) {
	rest := c.Args().Slice()
	for i := 0; i < len(rest); i++ {
		arg := rest[i]
		if arg == "--" {
			return append(args, rest[i+1:]...), false, nil
		}
		flagName, ok := flagNameOf(arg)
		if !ok {
			args = append(args, arg)
			continue
		}
		flagName, value, hasValue := strings.Cut(flagName, "=")
		f := lookupFlag(c.Command.Flags, flagName)
		if f == nil {
			return nil, false, usagef(c, "flag provided but not defined: -%s", flagName)
		}
		if f == cli.HelpFlag {
			return nil, true, nil
		}
		if _, isBool := f.(*cli.BoolFlag); !isBool && !hasValue {
			if i+1 == len(rest) {
				return nil, false, usagef(c, "flag needs an argument: -%s", flagName)
			}
			i++
			value, hasValue = rest[i], true
		}
		if !hasValue {
			value = "true"
		}
		if err := c.Set(flagName, value); err != nil {
			return nil, false, usagef(c, "invalid value %q for flag -%s: %w", value, flagName, err)
		}
	}
	return args, false, nil
}

// flagNameOf returns arg without its leading "-" or "--", and whether arg is
// a flag at all.
func flagNameOf(arg string) (string, bool) {
	if len(arg) < 2 || arg[0] != '-' {
		return "", false
	}
	flagName := strings.TrimPrefix(arg[1:], "-")
	if flagName == "" || flagName[0] == '-' || flagName[0] == '=' {
		return "", false
	}
	return flagName, true
}

// lookupFlag returns the flag of flags called flagName, or nil.
func lookupFlag(flags []cli.Flag, flagName string) cli.Flag {
	for _, f := range flags {
		if slices.Contains(f.Names(), flagName) {
			return f
		}
	}
	return nil
}
