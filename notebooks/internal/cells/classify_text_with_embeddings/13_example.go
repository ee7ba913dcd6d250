package main

import (
	"fmt"
	"strings"
)

func cellExample() {
	post := newsgroupsTrain.Get().Data[0]
	fmt.Println(post[strings.Index(post, "Lines"):])
}
