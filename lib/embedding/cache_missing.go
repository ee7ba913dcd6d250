package embedding

// Missing returns the distinct texts whose vectors the cache does not hold,
// in the order they first appear, without embedding anything: what an
// Embed call would pass to the inner embedder, for estimates.
func (c *Cache) Missing(texts []string) ([]string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.load(); err != nil {
		return nil, err
	}
	seen := map[[32]byte]bool{}
	var out []string
	for _, t := range texts {
		k := textKey(t)
		if _, ok := c.mem[k]; ok || seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, t)
	}
	return out, nil
}
