package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/preflight-gate/preflight/checks/internal/jsonc"
	"github.com/preflight-gate/preflight/checks/internal/mcpfile"
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

// approval reports a server whose tool list has no valid approval: no
// snapshot, no approval, one for other content, expired, or by someone
// who does not count. It points at the server's name in the client
// config that defines it first.
func (c *mcpCheck) approval(b *preflight.Bundle, spec *McpSpec, ledger *preflight.Ledger, opts *preflight.Options) {
	s := c.server
	pos := s.NamePos
	if !s.HasTools {
		c.add(ruleMcpUnapprovedTools, s.File, pos, "server %q has no tool-list snapshot %s: nobody reviewed the tools the agent is given; write it (see the README's snapshot recipe), then `preflight signoff --mcp %s`", s.Name, s.Snapshot, s.Name)
		return
	}
	tools := words.Plural(len(s.Tools), "tool")
	a := ledger.Find(mcpTable.Name, s.Name)
	if a == nil {
		c.add(ruleMcpUnapprovedTools, s.File, pos, "server %q: its tool list (%s, %s) has no approval: read it, then `preflight signoff --mcp %s`", s.Name, s.Snapshot, tools, s.Name)
		return
	}
	where := fmt.Sprintf("the approval at %s:%d", ledger.File, a.Line)
	if a.Text("digest") != s.Digest {
		c.add(ruleMcpUnapprovedTools, s.File, pos, "server %q: %s is for other content (%s approved, %s now): its launch or its tool list changed since %s approved it; read the snapshot again, then `preflight signoff --mcp %s`", s.Name, where, words.Plural(a.Int("tools"), "tool"), tools, a.By, s.Name)
		return
	}
	if a.Expired(opts.Now) {
		c.add(ruleMcpUnapprovedTools, s.File, pos, "server %q: %s expired on %s: read the snapshot again, then `preflight signoff --mcp %s`", s.Name, where, a.Expires.UTC().Format("2006-01-02 15:04 MST"), s.Name)
		return
	}
	if why := b.Authorize(a.By, spec.Approvers, opts.Author); why != "" {
		c.add(ruleMcpUnapprovedTools, s.File, pos, "server %q: %s does not count: %s", s.Name, where, why)
	}
}

// SignoffFlag is the flag of MCP tool lists: --mcp NAME.
func (MCP) SignoffFlag() *preflight.SignoffFlag { return mcpFlag }

// Sign approves the tool list of each server names names (with All: each
// with a snapshot and no valid approval).
func (MCP) Sign(b *preflight.Bundle, s *preflight.Ledger, names []string, req *SignRequest) ([]Signed, error) {
	spec := McpOf(b)
	if spec == nil && len(names) == 0 {
		return nil, nil // --all, and no [mcp]
	}
	if spec == nil {
		return nil, &preflight.Error{File: b.Display(preflight.ManifestName), Msg: "--mcp: no [mcp] section, so there are no MCP tool lists to approve"}
	}
	if spec.Tools == "" && len(names) > 0 {
		return nil, b.ManifestError("mcp", "--mcp: [mcp] has no tools folder, so there are no tool-list snapshots to approve: set tools and write each server's snapshot there")
	}
	servers, err := McpServers(b, spec)
	if err != nil {
		return nil, err
	}
	var pick []*McpServer
	var done []Signed
	if req.All {
		if spec.Tools == "" {
			return nil, nil
		}
		for _, sv := range servers {
			switch {
			case !sv.HasTools:
				done = append(done, Signed{Skipped: words.Escape(fmt.Sprintf("MCP server %s has no tool-list snapshot %s: nothing to approve", sv.Name, sv.Snapshot))})
			case !mcpApproved(b, spec, s, sv, req.Options):
				pick = append(pick, sv)
			}
		}
	}
	for _, name := range names {
		i := slices.IndexFunc(servers, func(sv *McpServer) bool { return sv.Name == name })
		switch {
		case i < 0:
			return nil, &preflight.Error{Msg: fmt.Sprintf("--mcp %q names no MCP server: the client configs define %s", name, mcpNames(servers))}
		case !servers[i].HasTools:
			return nil, &preflight.Error{Msg: fmt.Sprintf("--mcp %q: the server has no tool-list snapshot %s: write it first (see the README's snapshot recipe)", name, servers[i].Snapshot)}
		}
		if !slices.Contains(pick, servers[i]) {
			pick = append(pick, servers[i])
		}
	}
	why := b.Authorize(req.By, spec.Approvers, "")
	for _, sv := range pick {
		c := &mcpCheck{server: sv}
		c.launch()
		c.url()
		c.secrets()
		c.hidden()
		sd := Signed{What: fmt.Sprintf("approval of MCP server %q", sv.Name), Text: mcpToolList(sv), Note: remaining("MCP server "+sv.Name, len(c.findings)), Warning: why}
		if old := s.Find(mcpTable.Name, sv.Name); old != nil && mcpApproved(b, spec, s, sv, req.Options) && !b.Same(old.By, req.By) {
			sd.Replaces = old.By
		}
		s.Put(&preflight.Entry{Table: mcpTable.Name, Key: sv.Name, Fields: map[string]any{"digest": sv.Digest, "tools": len(sv.Tools)},
			By: req.By, Reason: req.Reason, At: req.Options.Now, Expires: req.Expires})
		done = append(done, sd)
	}
	return done, nil
}

// mcpToolList is what signoff prints for an approved tool list: each
// tool's name and the first line of its description, invisible
// characters escaped.
func mcpToolList(sv *McpServer) string {
	var b strings.Builder
	tools := words.Plural(len(sv.Tools), "tool")
	fmt.Fprintf(&b, "MCP server %s: %s in %s\n", words.Escape(sv.Name), tools, words.Escape(sv.Snapshot))
	for _, t := range sv.Tools {
		name, summary := words.Escape(mcpfile.Visible(t.Name)), words.Escape(mcpfile.Visible(firstLine(t)))
		if summary == "" {
			fmt.Fprintf(&b, "  %s\n", name)
			continue
		}
		fmt.Fprintf(&b, "  %s: %s\n", name, summary)
	}
	fmt.Fprintf(&b, "approved %s: %s as listed above\n\n", words.Escape(sv.Name), tools)
	return b.String()
}

// mcpApproved reports whether the server's tool list has an approval that
// counts for anyone (no --author at signing time).
func mcpApproved(b *preflight.Bundle, spec *McpSpec, s *preflight.Ledger, sv *McpServer, opts *preflight.Options) bool {
	old := s.Find(mcpTable.Name, sv.Name)
	return old != nil && old.Text("digest") == sv.Digest && !old.Expired(opts.Now) && b.Authorize(old.By, spec.Approvers, "") == ""
}

// firstLine is the first non-blank line of a tool's description.
func firstLine(t mcpfile.Tool) string {
	d := t.Value.Get("description")
	if d == nil || d.Kind != jsonc.String {
		return ""
	}
	for _, l := range strings.Split(d.Text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if r := []rune(l); len(r) > 120 {
				l = string(r[:119]) + "…"
			}
			return l
		}
	}
	return ""
}

// mcpNames lists server names for a message.
func mcpNames(servers []*McpServer) string {
	if len(servers) == 0 {
		return "no server"
	}
	names := make([]string, len(servers))
	for i, sv := range servers {
		names[i] = sv.Name
	}
	return strings.Join(names, ", ")
}
