package newsgroups

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/embedclassify/embedclassify/internal/atomicfile"
)

// The canonical archive: scikit-learn's download URL, the original site as a
// fallback, and the SHA-256 of the file both serve.
const (
	ArchiveName   = "20news-bydate.tar.gz"
	ArchiveSHA256 = "8f1b2514ca22a5ade8fbb9cfa5727df95fa587f4c87b786e15c759fa66d95610"
)

// DefaultURLs are the download mirrors tried in order when Options.URLs is nil.
var DefaultURLs = []string{
	"https://ndownloader.figshare.com/files/5975967",
	"http://qwone.com/~jason/20Newsgroups/20news-bydate.tar.gz",
}

// ChecksumError reports a file or download whose SHA-256 is not the
// expected one. A download that fails its check is discarded; a file is
// never removed for it.
type ChecksumError struct {
	File string // the file checked, or the URL downloaded
	Got  string // its SHA-256, hex
	Want string // the expected SHA-256, hex
}

// Error names the file and both checksums.
func (e *ChecksumError) Error() string {
	what := "the file was kept"
	if strings.Contains(e.File, "://") {
		what = "the download was discarded"
	}
	return fmt.Sprintf("newsgroups: checksum mismatch for %s: sha256 is %s, want %s; %s", e.File, e.Got, e.Want, what)
}

// CachePath returns where Load keeps the downloaded archive for opt:
// CacheDir (or os.UserCacheDir()/embedclassify) + "/20news-bydate.tar.gz".
func CachePath(opt Options) (string, error) {
	dir := opt.CacheDir
	if dir == "" {
		base, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("newsgroups: no cache folder for the download (%w); set Options.CacheDir or pass the archive's path", err)
		}
		dir = filepath.Join(base, "embedclassify")
	}
	return filepath.Join(dir, ArchiveName), nil
}

// loadCached reads the archive from the cache, downloading it first when it
// is missing. A cached archive that fails its checksum or cannot be read is
// never deleted: it is moved aside (see setAside), the move is reported
// through opt.Warn, and a fresh copy is downloaded.
func loadCached(ctx context.Context, opt *Options, parts []string, transform func([]byte) string) (*corpus, error) {
	name, err := CachePath(*opt)
	if err != nil {
		return nil, err
	}
	var setAsideMsg string
	if _, err := os.Stat(name); err == nil {
		c, err := readArchiveFile(ctx, name, parts, opt.sha256(), transform)
		if err == nil || ctx.Err() != nil {
			return c, err
		}
		aside, merr := setAside(name)
		if merr != nil {
			return nil, fmt.Errorf("%w; it was left in place, and moving it aside failed (%v): move or delete it to download a fresh copy", err, merr)
		}
		setAsideMsg = fmt.Sprintf("%v; it was moved to %s (pass that path as the dataset if you trust it)", err, aside)
		opt.warn(setAsideMsg + "; downloading a fresh copy")
	}
	if err := Download(ctx, name, *opt); err != nil {
		if setAsideMsg != "" {
			return nil, fmt.Errorf("%w (before that, %s)", err, setAsideMsg)
		}
		return nil, err
	}
	return readArchiveFile(ctx, name, parts, "", transform)
}

// setAside renames the unusable file name to the first free name among
// name.rejected, name.rejected-2, ... in the same folder, and returns it.
func setAside(name string) (string, error) {
	for i := 1; i < 1000; i++ {
		dest := name + ".rejected"
		if i > 1 {
			dest += "-" + strconv.Itoa(i)
		}
		if _, err := os.Lstat(dest); !errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := os.Rename(name, dest); err != nil {
			return "", err
		}
		return dest, nil
	}
	return "", fmt.Errorf("too many rejected copies beside %s", name)
}

// warn reports msg through o.Warn, or the standard logger when it is nil.
func (o *Options) warn(msg string) {
	if o.Warn != nil {
		o.Warn(msg)
		return
	}
	log.Print(msg)
}

func (o *Options) sha256() string {
	if o.SHA256 != "" {
		return o.SHA256
	}
	return ArchiveSHA256
}

// Download fetches the archive into dest from the first of opt.URLs
// (DefaultURLs when nil) that serves it whole with the SHA-256 opt.SHA256
// (ArchiveSHA256 when ""). The file is written to a temporary name beside
// dest and renamed when verified, so an interrupted or corrupt download never
// leaves a file at dest. opt.Progress, when set, is called with the bytes
// received and the total (-1 when the server does not say). The other
// fields of opt are ignored.
func Download(ctx context.Context, dest string, opt Options) error {
	urls := opt.URLs
	if urls == nil {
		urls = DefaultURLs
	}
	if len(urls) == 0 {
		return errors.New("newsgroups: no download URL; pass the archive's path instead")
	}
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		return fmt.Errorf("newsgroups: creating the cache folder: %w", err)
	}
	var errs []error
	for _, u := range urls {
		err := downloadOne(ctx, dest, u, opt.sha256(), opt.Progress)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		errs = append(errs, err)
	}
	return fmt.Errorf("newsgroups: downloading the 20 Newsgroups archive failed; pass the path of a copy instead (Options.Path or $%s): %w", EnvData, errors.Join(errs...))
}

// progressWriter reports bytes written.
type progressWriter struct {
	done, total int64
	fn          func(done, total int64)
}

func (p *progressWriter) Write(b []byte) (int, error) {
	p.done += int64(len(b))
	if p.fn != nil {
		p.fn(p.done, p.total)
	}
	return len(b), nil
}

func downloadOne(ctx context.Context, dest, url, wantSHA string, progress func(done, total int64)) (err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP status %s", url, resp.Status)
	}
	tmp, err := atomicfile.Create(dest)
	if err != nil {
		return fmt.Errorf("newsgroups: creating the download file: %w", err)
	}
	defer tmp.Abort() // removes the partial file unless committed
	h := sha256.New()
	pw := &progressWriter{total: resp.ContentLength, fn: progress}
	if pw.total <= 0 {
		pw.total = -1
	}
	n, err := io.Copy(io.MultiWriter(tmp, h, pw), ctxReader{ctx, resp.Body})
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("%s: the transfer was interrupted after %d bytes: %w", url, n, err)
	}
	if resp.ContentLength > 0 && n != resp.ContentLength {
		return fmt.Errorf("%s: the transfer was interrupted after %d of %d bytes", url, n, resp.ContentLength)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != wantSHA {
		return &ChecksumError{File: url, Got: got, Want: wantSHA}
	}
	if err := tmp.Commit(); err != nil {
		return fmt.Errorf("newsgroups: storing the download: %w", err)
	}
	return nil
}
