//go:build !linux

package atomicfile

import "errors"

// exchangeAtomic is not available here: Dir.Commit renames in two steps.
func exchangeAtomic(a, b string) error {
	return errors.New("atomic exchange not supported")
}
