//go:build tools

// The main package this module builds; the build tag keeps it out of any compile.
package tools

import _ "github.com/fsouza/fake-gcs-server"
