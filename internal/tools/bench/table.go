package main

import (
	"fmt"
	"os"
	"runtime"
	"strings"
	"text/tabwriter"
)

func printTable(rows []row) {
	fmt.Printf("exdiag benchmark: %s/%s, %d CPUs, %s\n\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), cpuModel())
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(w, "servers\tURLs\thandshakes\tLDAP searches/pages\tdiscovery s\tDNS s\tTLS s\tjudge s\tfixes+render s\twall s\tendpoints/s\tpeak RSS MB\tvs ceiling\tvs openssl loop\t")
	for _, r := range rows {
		tls := r.phases["tls"]
		rate := float64(r.handshakes) / tls
		vsCeil, vsSSL := "-", "-"
		if r.ceiling > 0 {
			vsCeil = fmt.Sprintf("%.0f%% (%.0f/s)", 100*rate/r.ceiling, r.ceiling)
		}
		if r.openssl > 0 {
			vsSSL = fmt.Sprintf("%.0fx (%.1f/s*)", rate/r.openssl, r.openssl)
		}
		fmt.Fprintf(w, "%d\t%d\t%d\t%d/%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.2f\t%.0f\t%.0f\t%s\t%s\t\n",
			r.servers, r.urls, r.handshakes, r.searches, r.pages, r.phases["discovery"], r.phases["dns"], tls,
			r.phases["judge"], r.phases["fixes"]+r.phases["render"], r.wall.Seconds(), float64(r.urls)/r.wall.Seconds(), r.rssMB, vsCeil, vsSSL)
	}
	w.Flush()
	fmt.Printf("\nvs ceiling: exdiag's handshake rate in its TLS phase against bare Go handshakes over the same endpoints and concurrency.\n")
	if len(rows) > 0 && rows[0].openssl > 0 {
		fmt.Printf("* openssl s_client in a sequential shell loop, timed over a sample of %d handshakes and extrapolated.\n", rows[0].opensslSample)
	}
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, l := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}
