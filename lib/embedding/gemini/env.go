package gemini

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// Environment variables that set the pacing, retry and batch fields of a
// Config left at zero, for the notebook and for scripts.
const (
	EnvRPM      = "EMBEDCLASSIFY_GEMINI_RPM"       // Config.RPM, a number
	EnvTPM      = "EMBEDCLASSIFY_GEMINI_TPM"       // Config.TPM, a number
	EnvMaxWait  = "EMBEDCLASSIFY_GEMINI_MAX_WAIT"  // Config.MaxWait, a duration ("10m")
	EnvMaxChars = "EMBEDCLASSIFY_GEMINI_MAX_CHARS" // Config.MaxChars, a number
	EnvBatch    = "EMBEDCLASSIFY_GEMINI_BATCH"     // Config.Batch, "1" or "true"
)

// fromEnv fills the zero pacing, retry and batch fields of cfg from the
// environment.
func fromEnv(cfg *Config) error {
	ints := []struct {
		name string
		dst  *int
	}{{EnvRPM, &cfg.RPM}, {EnvTPM, &cfg.TPM}, {EnvMaxChars, &cfg.MaxChars}}
	for _, f := range ints {
		v := os.Getenv(f.name)
		if v == "" || *f.dst != 0 {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("gemini: %s=%q is not a whole number ≥ 0", f.name, v)
		}
		*f.dst = n
	}
	if v := os.Getenv(EnvMaxWait); v != "" && cfg.MaxWait == 0 {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("gemini: %s=%q is not a duration such as 10m or 90s", EnvMaxWait, v)
		}
		cfg.MaxWait = d
	}
	if v := os.Getenv(EnvBatch); v != "" && !cfg.Batch {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("gemini: %s=%q is not true or false", EnvBatch, v)
		}
		cfg.Batch = b
	}
	return nil
}
