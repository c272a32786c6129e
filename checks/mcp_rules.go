package checks

import (
	"strings"

	"github.com/preflight-gate/preflight/checks/internal/mcpfile"
	"github.com/preflight-gate/preflight/preflight"
)

const mcpIncident = "MCP poisoning: a tool server an agent trusts changes its tools or their descriptions after it was reviewed " +
	"(a package that runs \"whatever is latest\", a remote server that changes its tool list), and the agent follows " +
	"instructions hidden in them (<IMPORTANT> blocks, invisible Unicode tag characters, \"read ~/.ssh/id_rsa first\")."

// mcpFlag resolves unapproved tool lists: `signoff --mcp NAME`.
var mcpFlag = &preflight.SignoffFlag{
	Name:   "mcp",
	Value:  "NAME",
	Help:   "approve the tool list of MCP server `NAME` as its snapshot holds it, repeatable",
	Noun:   "MCP tool list",
	Nouns:  "MCP tool lists",
	Items:  "MCP tool lists",
	Advice: "read every tool's name, description and schema in the snapshot; when they are what the agent should be given, approve them",
}

// mcpTable is the sign-off file's [[mcp]] table: one approval per MCP
// server, bound to the digest of its launch and its tool-list snapshot.
var mcpTable = &preflight.LedgerTable{
	Name:  "mcp",
	Key:   "name",
	Need:  "the MCP server whose tool list it approves",
	Entry: "approval of MCP server %q",
	Twice: "two approvals for MCP server %q",
	Fields: []preflight.LedgerField{
		{Name: "digest", Check: checkSHA256},
		{Name: "tools", Kind: preflight.FieldInt},
	},
}

var (
	ruleMcpUnpinnedServer = preflight.Rule{
		ID:       "mcp/unpinned-server",
		Severity: preflight.SeverityError,
		Title:    "an MCP server's launch does not pin exact content",
		Why: "A server started as `npx -y some-server` runs whatever release of the package is the latest on the day it starts: " +
			"the code that was reviewed is not the code that runs, and one compromised release reaches every agent at once. " +
			"npx, bunx, pnpx, npm exec, pnpm dlx and yarn dlx need the package at an exact version (NAME@X.Y.Z); " +
			"uvx, uv tool run and pipx run need NAME==VERSION or NAME@VERSION; docker run and podman run need an image digest (@sha256:…). " +
			"Other commands run what the repository holds and are not judged.",
		Incident: mcpIncident,
		Fix: "Pin the exact version you reviewed: `npx -y @modelcontextprotocol/server-github@2025.4.8`, " +
			"`uvx mcp-server-fetch==2025.4.7`, `docker run -i --rm ghcr.io/github/github-mcp-server@sha256:…` " +
			"(`docker inspect --format '{{index .RepoDigests 0}}' IMAGE` prints the digest).",
	}
	ruleMcpInsecureUrl = preflight.Rule{
		ID:       "mcp/insecure-url",
		Severity: preflight.SeverityError,
		Title:    "a remote MCP server's URL is http:// to a host other than localhost",
		Why: "Over plain HTTP anyone on the network path can change the tool list and the descriptions the agent follows, " +
			"and read the headers it sends (tokens included). Only localhost, 127.0.0.1 and ::1 are exempt.",
		Incident: mcpIncident,
		Fix:      "Use the server's https:// URL.",
	}
	ruleMcpInlineSecret = preflight.Rule{
		ID:       "mcp/inline-secret",
		Severity: preflight.SeverityError,
		Title:    "a server's env or headers entry holds a literal secret rather than a reference",
		Why: "A client config is committed and read by everyone who can read the repository; a token written into it is a leaked token. " +
			"An env or headers entry is secret when its name is a secret key name (see `preflight explain configdiff/credential-value`) " +
			"or Authorization, Proxy-Authorization or Cookie, or when a word of its value looks like a credential. " +
			"Its value must be a reference the client fills in: ${VAR}, ${VAR:-default}, ${env:VAR}, ${input:ID} (\"Bearer ${input:token}\" is one). " +
			"preflight never prints the value.",
		Incident: mcpIncident,
		Fix:      "Revoke the token (it has been committed), then write a reference instead: \"GITHUB_PERSONAL_ACCESS_TOKEN\": \"${GITHUB_TOKEN}\".",
	}
	ruleMcpUnapprovedTools = preflight.Rule{
		ID:       "mcp/unapproved-tools",
		Severity: preflight.SeverityError,
		Title:    "an MCP server has no tool-list snapshot, or its snapshot has no valid approval",
		Why: "An agent calls the tools a server lists and follows the text of their descriptions: that list is code the agent runs. " +
			"With [mcp] tools set, each server's tools/list result is committed as tools/NAME.json, and a person other than the author " +
			"approves it with `preflight signoff --mcp NAME`. The approval binds a digest of the server's launch (command, args, url) " +
			"and of the tools' content: a new tool, a changed description or schema, or a new version voids it (a \"rug pull\" cannot ship unseen). " +
			"The approval does not count when it is for other content, expired, not by a member of [mcp] approvers, or by the --author.",
		Incident: mcpIncident,
		Fix: "Write the snapshot (see the README's snapshot recipe), read every tool in it, then " +
			"`preflight signoff --mcp NAME --by YOU --reason \"…\"` and get the sign-off file reviewed.",
		SignoffFlag: mcpFlag,
	}
	ruleMcpHiddenInstructions = preflight.Rule{
		ID:       "mcp/hidden-instructions",
		Severity: preflight.SeverityError,
		Title:    "a string of a tool holds an invisible or control character or an instruction pattern",
		Why: "A tool's description is read by the agent, not by the user: text the reviewer does not see, or an instruction " +
			"addressed to the agent, turns the tool into an attacker's prompt. Every string of a tool's name, title, description, " +
			"annotations, inputSchema and outputSchema (keys included) is read for a character of Unicode category Cf or Co, " +
			"a tag character (U+E0000–U+E007F), a variation selector, or a control character other than tab, LF and CR; and, " +
			"case-insensitively after collapsing white space, for these phrases:\n  " + strings.Join(mcpfile.Phrases, "\n  "),
		Incident: mcpIncident,
		Fix: "Do not approve the server: report it, and use a release whose tools say only what they do. " +
			"The finding names the tool, the field and the character or phrase; the snapshot holds the full text.",
	}
	ruleMcpUnusedApproval = preflight.Rule{
		ID:       "mcp/unused-approval",
		Severity: preflight.SeverityWarning,
		Title:    "an [[mcp]] approval names a server that no client config has",
		Why: "An approval for a server that no client config defines approves nothing: a server was renamed or removed and its " +
			"approval was left behind. Stale entries make the sign-off file harder to review.",
		Incident: mcpIncident,
		Fix:      "Remove the [[mcp]] entry from the sign-off file.",
	}
)

var mcpRules = []preflight.Rule{
	ruleMcpUnpinnedServer, ruleMcpInsecureUrl, ruleMcpInlineSecret,
	ruleMcpUnapprovedTools, ruleMcpHiddenInstructions, ruleMcpUnusedApproval,
}
