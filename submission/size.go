package submission

import "fmt"

// FileSize is a stored file's size as the receipt, the export and the
// console show it: 1.5 MB, 12.0 KB, 300 字节.
func FileSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d 字节", n)
}
