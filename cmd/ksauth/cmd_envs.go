package main

import (
	"github.com/spf13/cobra"

	"github.com/kseries-tools/ksauth/envs"
)

// envListing is one environment in "ksauth envs --json".
type envListing struct {
	envs.Env
	Endpoints           envs.Endpoints `json:"endpoints"`
	CodeLifespanSeconds float64        `json:"code_lifespan_seconds"`
}

func newEnvsCmd(io stdio) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:   "envs",
		Short: "List the built-in K-Series environments",
		Long: `List the built-in environments: the trial and production realms and the local
emulator's two realms, with their issuer, client ID prefix and endpoints.
A custom environment is a JSON or TOML file passed to --env; see
examples/custom-env.json.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			var list []envListing
			for _, e := range envs.Builtin() {
				list = append(list, envListing{Env: e, Endpoints: e.Endpoints(),
					CodeLifespanSeconds: e.CodeLifespan.Seconds()})
			}
			if asJSON {
				return writeJSON(io.Out, map[string]any{"ok": true, "command": "envs", "envs": list, "diagnoses": []any{}})
			}
			rows := [][]string{{"NAME", "TIER", "ISSUER", "CLIENT ID PREFIX", "ALSO"}}
			for _, e := range list {
				also := "-"
				if len(e.Aliases) > 0 {
					also = e.Aliases[0]
				}
				rows = append(rows, []string{e.Name, string(e.Tier), e.Issuer, e.ClientIDPrefix, also})
			}
			table(io.Out, rows)
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print one JSON document on stdout")
	return c
}

func newVersionCmd(io stdio) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the ksauth version",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			_, err := io.Out.Write([]byte("ksauth " + buildVersion() + "\n"))
			return err
		},
	}
}
