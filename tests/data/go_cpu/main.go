package main

import (
	"log"
	"os"
	"runtime/pprof"
	"time"
)

var sink []byte
var isink uint64

//go:noinline
func hotSpin(d time.Duration) {
	end := time.Now().Add(d)
	x := uint64(1)
	for time.Now().Before(end) {
		for i := 0; i < 100000; i++ {
			x = x*6364136223846793005 + 1442695040888963407
			x ^= x >> 17
		}
	}
	isink += x
}

//go:noinline
func hotAlloc(d time.Duration) {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		for i := 0; i < 1000; i++ {
			b := make([]byte, 64+i%128)
			b[0] = byte(i)
			sink = b
		}
	}
}

func main() {
	f, err := os.Create("/tmp/pprof-fixture/go_cpu.pb.gz")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Fatal(err)
	}
	start := time.Now()
	for time.Since(start) < 3*time.Second {
		hotSpin(70 * time.Millisecond)
		hotAlloc(30 * time.Millisecond)
	}
	pprof.StopCPUProfile()
}
