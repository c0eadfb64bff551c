package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/ocopmarket/market"
	"github.com/ocopmarket/market/accounts"
	"github.com/ocopmarket/market/regions"
)

// accountsCommand is `ocopd accounts create …`: how the first admin and the
// officials get their accounts. The password never travels in a flag (it
// would show in the process list and shell history): it is read from
// standard input with --password-stdin, or from OCOP_ACCOUNT_PASSWORD.
func accountsCommand(ctx context.Context, cfg config, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: ocopd accounts create --role ROLE --phone PHONE --name NAME [--region ID] [--password-stdin]")
	}
	fs := flag.NewFlagSet("accounts create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	role := fs.String("role", "buyer", "admin, official, seller, helper or buyer")
	phone := fs.String("phone", "", "phone number, e.g. 0912345678")
	name := fs.String("name", "", "the person's name")
	region := fs.String("region", "", "an official's region id")
	fromStdin := fs.Bool("password-stdin", false, "read the password from the first line of standard input")
	if err := parseFlags(fs, args[1:], stdout); err != nil {
		return err
	}
	r, ok := market.ParseRole(*role)
	if !ok {
		return fmt.Errorf("unknown role %q: use admin, official, seller, helper or buyer", *role)
	}
	password := getenv("OCOP_ACCOUNT_PASSWORD")
	if *fromStdin {
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return errors.New("--password-stdin: no password on standard input")
		}
		password = strings.TrimRight(line, "\r\n")
	}
	if password == "" {
		return errors.New("no password: pipe it to --password-stdin or set OCOP_ACCOUNT_PASSWORD")
	}

	st, err := openStores(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.close()
	tree, err := regions.Load(nil)
	if err != nil {
		return err
	}
	svc := accounts.NewService(st.accounts, accounts.Options{RegionExists: tree.Has})
	roles := []market.Role{r}
	if r != market.RoleBuyer {
		roles = []market.Role{market.RoleBuyer, r}
	}
	a, err := svc.Create(ctx, accounts.NewAccount{
		SignUp:   accounts.SignUp{Phone: *phone, Password: password, Name: *name},
		Roles:    roles,
		RegionID: *region,
	})
	if err != nil {
		return describe(err)
	}
	fmt.Fprintf(stdout, "Created %s account %s for %s (%s)\n", r, a.ID, a.Name, a.Phone)
	return nil
}

// describe turns a market error into a one-line English message for the terminal.
func describe(err error) error {
	var e *market.Error
	if errors.As(err, &e) {
		return errors.New(e.Error())
	}
	return err
}
