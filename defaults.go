// Package award holds the site's sources as the repository has them —
// content/, themes/default/, site.yaml, holidays.yaml and townships.yaml —
// for the award program to use as its defaults when it is built by
// `make dist` (build tag dist), so that a server needs neither Go nor the
// repository: see Defaults.
package award

import "io/fs"

// Defaults is the repository's root folder as built into the program:
// the paths are those of the repository (content/_index.md,
// themes/default/layouts/…, site.yaml). It is nil unless the program was
// built with the tag dist (make dist); cmd/award then reads from it each
// default source that is not on the disk.
var Defaults fs.FS
