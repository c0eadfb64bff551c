package main

import (
	"strings"
	"testing"
)

func TestLoadConfigCardKeys(t *testing.T) {
	cases := []struct {
		name            string
		secret, publish string
		err             string
	}{
		{"cards off", "", "", ""},
		{"server side only", "sk_test_123", "", ""},
		{"both keys", "sk_test_123", "pk_test_456", ""},
		{"a secret key as the publishable one", "sk_test_123", "sk_test_123", "never put a secret key"},
		{"a restricted key as the publishable one", "sk_test_123", "rk_test_9", "never put a secret key"},
		{"publishable key alone", "", "pk_test_456", "needs OCOP_STRIPE_SECRET_KEY"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{"OCOP_STRIPE_SECRET_KEY": c.secret, "OCOP_STRIPE_PUBLISHABLE_KEY": c.publish}
			cfg, err := loadConfig(func(k string) string { return env[k] })
			if c.err == "" {
				if err != nil || cfg.StripePublishableKey != c.publish {
					t.Fatalf("loadConfig: %v, key %q", err, cfg.StripePublishableKey)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Fatalf("loadConfig: %v, want an error about %q", err, c.err)
			}
			if strings.Contains(err.Error(), c.publish) {
				t.Errorf("the error shows the key: %v", err)
			}
		})
	}
}

func TestLoadConfigCaches(t *testing.T) {
	for key, field := range map[string]func(config) int{
		"OCOP_SEARCH_CACHE_MB": func(c config) int { return c.SearchCacheMB },
		"OCOP_PAGE_CACHE_MB":   func(c config) int { return c.PageCacheMB },
	} {
		for value, want := range map[string]int{"": 32, "0": 0, "64": 64} { // both default to 32 MB
			cfg, err := loadConfig(func(k string) string { return map[string]string{key: value}[k] })
			if err != nil || field(cfg) != want {
				t.Errorf("%s=%q: %d, %v; want %d", key, value, field(cfg), err, want)
			}
		}
		for _, value := range []string{"-1", "lots", "5000", "1.5"} {
			if _, err := loadConfig(func(k string) string { return map[string]string{key: value}[k] }); err == nil || !strings.Contains(err.Error(), key) {
				t.Errorf("%s=%q: %v, want an error naming it", key, value, err)
			}
		}
	}
}
