package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestHelp(t *testing.T) {
	tests := []struct {
		args []string
		want string // on stdout
	}{
		{[]string{"--help"}, "ocopd accounts create"},
		{[]string{"-h"}, "ocopd accounts create"},
		{[]string{"help"}, "ocopd accounts create"},
		{[]string{"serve", "--help"}, "-demo"},
		{[]string{"serve", "-h"}, "-demo"},
		{[]string{"seed", "--help"}, "-seed"},
		{[]string{"import", "--help"}, "-seller"},
		{[]string{"accounts", "create", "--help"}, "-password-stdin"},
	}
	env := map[string]string{"OCOP_DATA_DIR": t.TempDir()}
	for _, tt := range tests {
		var out, errOut bytes.Buffer
		err := run(context.Background(), tt.args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
		if err != nil || !strings.Contains(out.String(), tt.want) || errOut.Len() > 0 {
			t.Errorf("ocopd %s: %v\nstdout: %s\nstderr: %s", strings.Join(tt.args, " "), err, out.String(), errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"serve", "--no-such-flag"}, func(string) string { return "" }, strings.NewReader(""), &out, &errOut); err == nil {
		t.Error("an unknown flag is not an error")
	}
}
