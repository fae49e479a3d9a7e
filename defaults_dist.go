//go:build dist

package award

import "embed"

// The all: prefix keeps the files whose names begin with _ (_index.md).
//
//go:embed all:content all:themes/default site.yaml holidays.yaml townships.yaml
var defaults embed.FS

func init() { Defaults = defaults }
