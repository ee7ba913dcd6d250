// Package kerneltest holds, one package each, the tests that execute the
// project's notebooks in a GoNB kernel through Jupyter (see
// notebooks/internal/nbtest). A package each gives every such test Go's
// whole default test timeout, and lets the go command run them side by
// side. Without Jupyter they skip on a developer's machine and fail in CI.
package kerneltest
