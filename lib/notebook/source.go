package notebook

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/parser"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
)

var (
	versionsMu sync.Mutex
	versions   = map[string]string{} // package folder → source version
)

// sourceVersion returns the digest of the Go source (test files excluded)
// of the package in dir and of every package of the same module it
// imports, directly or not, with the Go version and the versions of the
// other modules the program is built with: editing any of that code gives
// another version.
func sourceVersion(dir string) (string, error) {
	versionsMu.Lock()
	defer versionsMu.Unlock()
	if v, ok := versions[dir]; ok {
		return v, nil
	}
	root, modPath, err := findModule(dir)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	fmt.Fprintf(h, "go %s\x00", runtime.Version())
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Replace != nil {
				d = d.Replace
			}
			fmt.Fprintf(h, "dep %s %s %s\x00", d.Path, d.Version, d.Sum)
		}
	}
	seen := map[string]bool{}
	queue := []string{dir}
	var dirs []string
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		if seen[d] {
			continue
		}
		seen[d] = true
		dirs = append(dirs, d)
		imports, err := packageImports(d)
		if err != nil {
			return "", err
		}
		for _, p := range imports {
			if p == modPath || strings.HasPrefix(p, modPath+"/") {
				queue = append(queue, filepath.Join(root, filepath.FromSlash(strings.TrimPrefix(p, modPath))))
			}
		}
	}
	slices.Sort(dirs)
	for _, d := range dirs {
		if err := hashPackage(h, root, d); err != nil {
			return "", err
		}
	}
	v := "src:" + hex.EncodeToString(h.Sum(nil))
	versions[dir] = v
	return v, nil
}

// goFiles returns the package's Go files in dir, test files excluded.
func goFiles(dir string) ([]string, error) {
	all, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, err
	}
	var files []string
	for _, f := range all {
		if !strings.HasSuffix(f, "_test.go") {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no Go source in %s", dir)
	}
	return files, nil
}

func packageImports(dir string) ([]string, error) {
	files, err := goFiles(dir)
	if err != nil {
		return nil, err
	}
	var paths []string
	fset := token.NewFileSet()
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			return nil, err
		}
		for _, im := range af.Imports {
			p, err := strconv.Unquote(im.Path.Value)
			if err != nil {
				return nil, err
			}
			paths = append(paths, p)
		}
	}
	return paths, nil
}

func hashPackage(h io.Writer, root, dir string) error {
	files, err := goFiles(dir)
	if err != nil {
		return err
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, f)
		fmt.Fprintf(h, "file %s %d\x00", filepath.ToSlash(rel), len(b))
		h.Write(b)
	}
	return nil
}

// findModule returns the folder holding the go.mod above dir, and the
// module's path.
func findModule(dir string) (root, path string, err error) {
	for d := dir; ; d = filepath.Dir(d) {
		f, err := os.Open(filepath.Join(d, "go.mod"))
		if err == nil {
			defer f.Close()
			sc := bufio.NewScanner(f)
			for sc.Scan() {
				if p, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "module "); ok {
					return d, strings.Trim(strings.TrimSpace(p), `"`), nil
				}
			}
			return "", "", fmt.Errorf("%s has no module line", filepath.Join(d, "go.mod"))
		}
		if filepath.Dir(d) == d {
			return "", "", fmt.Errorf("no go.mod above %s (the program's source is not at hand)", dir)
		}
	}
}

var (
	exeOnce    sync.Once
	exeVersion string
	exeErr     error
)

// executableVersion returns the digest of the running program.
func executableVersion() (string, error) {
	exeOnce.Do(func() {
		path, err := os.Executable()
		if err != nil {
			exeErr = fmt.Errorf("finding the code version: %w", err)
			return
		}
		f, err := os.Open(path)
		if err != nil {
			exeErr = fmt.Errorf("finding the code version: %w", err)
			return
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			exeErr = errors.Join(errors.New("finding the code version"), err)
			return
		}
		exeVersion = "exe:" + hex.EncodeToString(h.Sum(nil))
	})
	return exeVersion, exeErr
}
