// Command promlint lints a Prometheus text exposition read from stdin with the Prometheus project's own
// linter (client_golang's promlint, the code behind `promtool check metrics`). One line per problem on
// stdout as "metric: text"; exit 1 when there is a problem, 2 when the exposition cannot be parsed.
package main

import (
	"fmt"
	"os"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
)

func main() {
	problems, err := promlint.New(os.Stdin).Lint()
	if err != nil {
		fmt.Fprintf(os.Stderr, "promlint: %v\n", err)
		os.Exit(2)
	}
	for _, p := range problems {
		fmt.Printf("%s: %s\n", p.Metric, p.Text)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
}
