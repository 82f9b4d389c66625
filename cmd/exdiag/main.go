// Command exdiag finds why Outlook says "The name of the security
// certificate is invalid or does not match the name of the site".
package main

import (
	"os"

	"github.com/exdiag/exdiag/internal/cli"
)

func main() { os.Exit(cli.Main()) }
