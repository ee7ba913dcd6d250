package atomicfile

import "golang.org/x/sys/unix"

// exchangeAtomic swaps the folders a and b in one step (renameat2 with
// RENAME_EXCHANGE).
func exchangeAtomic(a, b string) error {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE)
}
