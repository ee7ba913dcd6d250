package main

import "github.com/embedclassify/embedclassify/lib/lesson"

// modelID is the embedding model; "text-embedding-004" is another choice.
const modelID = "gemini-embedding-001"

// outputDims is the length of the vectors: 0 keeps the model's own (3072 for
// gemini-embedding-001; 256 for the offline embedder). 768 or 1536 train
// faster. The environment variable EMBEDCLASSIFY_DIMS overrides it.
var outputDims = lesson.EnvInt("EMBEDCLASSIFY_DIMS", 0)
