package bleveindex_test

import "os"

// tempDir makes a directory for an index shared by benchmarks; the system
// cleans its temporary directory.
func tempDir() (string, error) { return os.MkdirTemp("", "bleveindex-bench-") }
