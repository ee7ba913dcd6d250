// Package browser holds the tests that look at the project's notebooks in
// a real browser (Debian's chromium, driven with chromedp): the tutorial
// notebook run cell by cell through Jupyter Notebook's UI with the GoNB
// kernel, and the HTML page `kernelsetup --execute --html` exports.
//
// They need chromium and Jupyter Notebook (Debian: chromium,
// jupyter-notebook); without them they skip, except in CI (CI=true), where
// .ci/run installs both.
package browser
