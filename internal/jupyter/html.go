package jupyter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/embedclassify/embedclassify/internal/atomicfile"
)

// WrapCSS is the style sheet ExportHTML adds to nbconvert's page: code and
// text outputs wrap their long lines instead of scrolling sideways, so a
// printed or pasted page shows every character.
const WrapCSS = `<style id="embedclassify-wrap">
/* Added by embedclassify: long lines wrap. */
.jp-InputArea-editor pre, .jp-OutputArea-output pre, div.input_area pre, div.output_area pre {
  white-space: pre-wrap;
  overflow-wrap: anywhere;
}
</style>
`

// ExportHTML converts the notebook at path into a standalone HTML page at
// output with `jupyter nbconvert --to html`: the outputs as the notebook
// holds them, images embedded as data: URLs, styles inline, long lines
// wrapped (WrapCSS). output is replaced only when the page is complete.
func (j *Jupyter) ExportHTML(ctx context.Context, path, output string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if _, err := os.Stat(abs); err != nil {
		return fmt.Errorf("notebook to export: %w", err)
	}
	tmp, err := os.MkdirTemp(TempDir(j.Env), "jupyter-html-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	if _, err := j.output(ctx, "nbconvert", "--to", "html", "--output-dir", tmp, "--output", "page", abs); err != nil {
		return fmt.Errorf("exporting %s to HTML: %w", path, err)
	}
	page, err := os.ReadFile(filepath.Join(tmp, "page.html"))
	if err != nil {
		return fmt.Errorf("exporting %s to HTML: nbconvert wrote no page: %w", path, err)
	}
	page, err = addWrapCSS(page)
	if err != nil {
		return fmt.Errorf("exporting %s to HTML: %w", path, err)
	}
	if err := atomicfile.WriteFile(output, page); err != nil {
		return fmt.Errorf("saving the HTML page: %w", err)
	}
	return nil
}

// addWrapCSS inserts WrapCSS at the end of the page's head, after
// nbconvert's own styles, so that it wins over them.
func addWrapCSS(page []byte) ([]byte, error) {
	i := bytes.LastIndex(page, []byte("</head>"))
	if i < 0 {
		return nil, errors.New("nbconvert's page has no </head>")
	}
	var b bytes.Buffer
	b.Grow(len(page) + len(WrapCSS))
	b.Write(page[:i])
	b.WriteString(WrapCSS)
	b.Write(page[i:])
	return b.Bytes(), nil
}

// HTMLPath returns the page ExportHTML writes for a notebook by default:
// the notebook's path with .html for .ipynb.
func HTMLPath(notebook string) string {
	return strings.TrimSuffix(notebook, filepath.Ext(notebook)) + ".html"
}
