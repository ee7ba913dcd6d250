package lsa_test

import (
	"context"
	"fmt"

	"github.com/embedclassify/embedclassify/lib/embedding/lsa"
)

func Example() {
	train := []string{
		"Shuttle launch\nThe rocket put a satellite in orbit.",
		"Space station\nAnother rocket launch to the station in orbit.",
		"Clipper chip\nEncryption keys held in escrow by the government.",
		"Key escrow\nPublic key encryption and the privacy of email.",
		"New medicine\nThe doctor prescribed a drug for the disease.",
		"Patients\nThe disease responds to the new medicine, the doctor says.",
	}
	ctx := context.Background()
	m, err := lsa.Fit(ctx, train, lsa.Config{Dims: 3})
	if err != nil {
		panic(err)
	}
	v, _ := m.Embed(ctx, []string{"rocket orbit", "satellite launch", "encryption escrow"})
	cos := func(a, b []float32) (s float32) {
		for i := range a {
			s += a[i] * b[i]
		}
		return s
	}
	fmt.Println("dimensions:", m.Dim())
	fmt.Println("space closer to space than to crypto:", cos(v[0], v[1]) > cos(v[0], v[2]))
	// Output:
	// dimensions: 3
	// space closer to space than to crypto: true
}
