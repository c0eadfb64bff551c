package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = ""

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

const usage = `Chợ OCOP — the marketplace server.

Usage:
  ocopd [serve] [--demo]        run the marketplace (the default); --demo fills it with demo data first
  ocopd accounts create ...     create an account (admin, official, seller, helper, buyer)
  ocopd regions import FILE     add communes/wards from a CSV or JSON list (id,name,level,parentId)
  ocopd seed --demo [--seed N]  fill an empty marketplace with demo sellers, products and accounts
  ocopd import FILE.csv --seller ID   import product listings from a spreadsheet
  ocopd reindex                 rebuild the search index from the records (safe while serving)
  ocopd version                 print the version

Configuration comes from OCOP_* environment variables; see README.md.
`

// errHelped is returned by a command that printed its help as asked; run
// answers it as success.
var errHelped = errors.New("help printed")

// parseFlags parses a command's flags. Asked for help (-h, -help, --help),
// it prints the command's flags on stdout and returns errHelped.
func parseFlags(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	for _, a := range args {
		if a == "--" {
			break
		}
		if a == "-h" || a == "-help" || a == "--help" {
			fs.SetOutput(stdout)
			fs.Usage()
			return errHelped
		}
	}
	return fs.Parse(args)
}

// run is the whole program: main only supplies the process's context,
// arguments, environment and standard streams.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "-help" || args[0] == "--help") {
		args = append([]string{"help"}, args[1:]...)
	}
	err := runCommand(ctx, args, getenv, stdin, stdout, stderr)
	if errors.Is(err, errHelped) {
		return nil
	}
	return err
}

func runCommand(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(stderr)
		demo := fs.Bool("demo", false, "fill the marketplace with the demo data first (idempotent)")
		if err := parseFlags(fs, args, stdout); err != nil {
			return err
		}
		cfg, err := loadConfig(getenv)
		if err != nil {
			return err
		}
		if *demo {
			if err := seedDemo(ctx, cfg, 1, stdout); err != nil {
				return err
			}
		}
		return serve(ctx, cfg, stdout, stderr)
	case "accounts":
		cfg, err := loadConfig(getenv)
		if err != nil {
			return err
		}
		return accountsCommand(ctx, cfg, args, getenv, stdin, stdout, stderr)
	case "regions":
		cfg, err := loadConfig(getenv)
		if err != nil {
			return err
		}
		return regionsCommand(cfg, args, stdout, stderr)
	case "seed":
		cfg, err := loadConfig(getenv)
		if err != nil {
			return err
		}
		return seedCommand(ctx, cfg, args, stdout, stderr)
	case "import":
		cfg, err := loadConfig(getenv)
		if err != nil {
			return err
		}
		return importCommand(ctx, cfg, args, stdout, stderr)
	case "reindex":
		cfg, err := loadConfig(getenv)
		if err != nil {
			return err
		}
		return reindexCommand(ctx, cfg, args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "ocopd", buildVersion())
		return nil
	case "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return errors.New("unknown command " + fmt.Sprintf("%q", cmd))
	}
}
