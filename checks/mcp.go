package checks

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/preflight-gate/preflight/checks/internal/launch"
	"github.com/preflight-gate/preflight/checks/internal/mcpfile"
	"github.com/preflight-gate/preflight/configdiff"
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/regular"
	"github.com/preflight-gate/preflight/preflight/words"
)

// McpDefaultFiles are the MCP client configs [mcp] reads when it has no
// files, those that exist, in this order: where Claude Code, Cursor and
// VS Code read a project's servers.
var McpDefaultFiles = []string{".mcp.json", ".cursor/mcp.json", ".vscode/mcp.json"}

// McpSpec is the [mcp] section.
type McpSpec struct {
	Files     []string `toml:"files"`     // client configs; default: McpDefaultFiles that exist
	Tools     string   `toml:"tools"`     // folder of tool-list snapshots, one SERVER.json each
	Approvers string   `toml:"approvers"` // alias whose members may approve tool lists
}

// MCP is the mcp gate: every MCP server pinned to exact content, its
// tool list approved by a person and bound to a digest, hidden
// instructions refused (the MCP-poisoning incident).
type MCP struct{}

// Info declares the mcp gate: the [mcp] section and the sign-off file's
// [[mcp]] table.
func (MCP) Info() preflight.GateInfo {
	return preflight.GateInfo{Name: "mcp", Section: "mcp", Spec: McpSpec{}, Rules: mcpRules, Ledger: mcpTable}
}

// McpOf returns the bundle's [mcp] section, or nil when the manifest has
// none.
func McpOf(b *preflight.Bundle) *McpSpec {
	s, _ := b.Spec("mcp").(*McpSpec)
	return s
}

// Load checks the [mcp] section: files and tools, when written, are not
// empty, and the approvers alias is in the registry.
func (MCP) Load(b *preflight.Bundle, section any) (any, error) {
	spec := section.(*McpSpec)
	if line, _ := b.Pos("mcp.files"); line > 0 && len(spec.Files) == 0 {
		return nil, b.ManifestError("mcp.files", "mcp.files is empty: list the MCP client configs, or omit files to read %s", strings.Join(McpDefaultFiles, ", "))
	}
	if err := checkPathList(b, "mcp.files", spec.Files); err != nil {
		return nil, err
	}
	if line, _ := b.Pos("mcp.tools"); line > 0 && spec.Tools == "" {
		return nil, b.ManifestError("mcp.tools", "mcp.tools is empty: name the folder of tool-list snapshots, or omit tools")
	}
	if err := b.CheckApprovers("mcp.approvers", spec.Approvers); err != nil {
		return nil, err
	}
	return spec, nil
}

// McpServer is one MCP server of a bundle, as its client configs define it
// and its snapshot lists its tools.
type McpServer struct {
	*mcpfile.Server
	File string // bundle-relative client config that defines it first
	// Repeats are the other definitions of the server (the same launch),
	// in this or another client config: their env and headers are judged
	// too.
	Repeats []McpDefinition

	Snapshot string         // bundle-relative snapshot file; "" without [mcp] tools
	Tools    []mcpfile.Tool // the snapshot's tools; nil when it is missing
	HasTools bool           // the snapshot exists
	Digest   string         // approval digest of the launch and the tools, when HasTools
}

// McpDefinition is one definition of a server in a client config.
type McpDefinition struct {
	File   string // bundle-relative
	Server *mcpfile.Server
}

// definitions returns the definition s holds and its repeats in the same
// file.
func definitions(file string, s *mcpfile.Server) []McpDefinition {
	defs := []McpDefinition{{file, s}}
	for _, r := range s.Repeats {
		defs = append(defs, McpDefinition{file, r})
	}
	return defs
}

// McpServers reads the bundle's client configs and, with [mcp] tools,
// each server's snapshot. A malformed or unreadable file is an
// *preflight.Error at its position.
func McpServers(b *preflight.Bundle, spec *McpSpec) ([]*McpServer, error) {
	configs, err := mcpConfigFiles(b, spec)
	if err != nil {
		return nil, err
	}
	var servers []*McpServer
	byName := map[string]*McpServer{}
	for _, c := range configs {
		data, err := readMcpFile(b, c)
		if err != nil {
			return nil, err
		}
		cfg, err := mcpfile.ReadConfig(data)
		if err != nil {
			return nil, mcpFileError(b, c.rel, err)
		}
		for _, s := range cfg.Servers {
			if first := byName[s.Name]; first != nil {
				if !first.Same(s) {
					return nil, preflight.Errorf(b.Display(c.rel), s.NamePos.Line, s.NamePos.Column,
						"server %q is defined again with another command, args or url (first in %s:%d): one name, one server", s.Name, b.Display(first.File), first.NamePos.Line)
				}
				first.Repeats = append(first.Repeats, definitions(c.rel, s)...)
				continue
			}
			ms := &McpServer{Server: s, File: c.rel, Repeats: definitions(c.rel, s)[1:]}
			byName[s.Name] = ms
			servers = append(servers, ms)
		}
	}
	if spec.Tools != "" {
		if err := readSnapshots(b, spec, servers); err != nil {
			return nil, err
		}
	}
	return servers, nil
}

// mcpConfig is a client config to read: the manifest key that names it
// (files[i], or the section for a default) and its bundle-relative path;
// named when the manifest writes the path itself, not a pattern or a
// default.
type mcpConfig struct {
	key, rel string
	named    bool
}

// readMcpFile reads an MCP file: inside the root, a regular file within
// the size limit. A file the manifest names is refused at the manifest
// line; a default, a pattern's match or a snapshot at the file itself.
func readMcpFile(b *preflight.Bundle, c mcpConfig) ([]byte, error) {
	if c.named {
		_, data, err := b.ReadFile(c.key, c.rel, preflight.MaxFileSize)
		return data, err
	}
	p, err := b.Path(c.key, c.rel)
	if err != nil {
		return nil, err
	}
	data, err := regular.Read(p, preflight.MaxFileSize)
	if err != nil {
		return nil, preflight.Errorf(b.Display(c.rel), 0, 0, "cannot read: %s", words.FileProblem(err))
	}
	return data, nil
}

// mcpConfigFiles lists the client configs to read: [mcp] files (patterns
// expanded), or the defaults that exist.
func mcpConfigFiles(b *preflight.Bundle, spec *McpSpec) ([]mcpConfig, error) {
	var out []mcpConfig
	seen := map[string]bool{}
	add := func(key, rel string, named bool) {
		rel = words.Rel(rel)
		if !seen[rel] {
			seen[rel] = true
			out = append(out, mcpConfig{key, rel, named})
		}
	}
	if len(spec.Files) == 0 {
		// where the clients read them: in the root
		for _, f := range McpDefaultFiles {
			p := filepath.Join(b.Root(), filepath.FromSlash(f))
			b.Track(p) // a config added later changes the bundle too
			if _, err := os.Lstat(p); err == nil {
				add("mcp", b.RootRel(f), false)
			}
		}
		if len(out) == 0 {
			return nil, b.ManifestError("mcp", "[mcp] has no files and none of %s exists in %s: list the MCP client configs in files", strings.Join(McpDefaultFiles, ", "), words.DisplayDir(b.Root()))
		}
		return out, nil
	}
	for i, f := range spec.Files {
		key := fmt.Sprintf("mcp.files[%d]", i)
		matches, err := b.Glob(key, f)
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			add(key, m, !strings.ContainsAny(f, "*?["))
		}
	}
	return out, nil
}

// readSnapshots reads each server's tools/NAME.json; a missing one is a
// finding, not an error.
func readSnapshots(b *preflight.Bundle, spec *McpSpec, servers []*McpServer) error {
	dir, err := b.Path("mcp.tools", spec.Tools)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return b.ManifestError("mcp.tools", "mcp.tools %q is not a folder: expected the folder of tool-list snapshots, one SERVER.json each", spec.Tools)
	}
	for _, s := range servers {
		s.Snapshot = words.Rel(path.Join(spec.Tools, s.Name+".json"))
		p := filepath.Join(dir, s.Name+".json")
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			b.Track(p) // a snapshot added later changes the bundle too
			continue
		}
		data, err := readMcpFile(b, mcpConfig{key: "mcp.tools", rel: s.Snapshot})
		if err != nil {
			return err
		}
		tools, err := mcpfile.ReadTools(data)
		if err != nil {
			return mcpFileError(b, s.Snapshot, err)
		}
		s.Tools, s.HasTools = tools, true
		s.Digest = mcpfile.Digest(s.Launch(), tools)
	}
	return nil
}

// mcpFileError is the *preflight.Error of a malformed MCP file.
func mcpFileError(b *preflight.Bundle, rel string, err error) error {
	var e *mcpfile.Error
	if errors.As(err, &e) {
		return preflight.Errorf(b.Display(rel), e.Pos.Line, e.Pos.Column, "%s", e.Msg)
	}
	return preflight.Errorf(b.Display(rel), 0, 0, "%v", err)
}

// Check judges every server: its launch, its URL, its env and headers,
// and with [mcp] tools its snapshot and approval; then the approvals that
// name no server.
func (MCP) Check(b *preflight.Bundle, s any, opts *preflight.Options) (*preflight.Result, error) {
	spec := s.(*McpSpec)
	servers, err := McpServers(b, spec)
	if err != nil {
		return nil, err
	}
	ledger, err := b.Ledger()
	if err != nil {
		return nil, err
	}
	res := &preflight.Result{}
	known := map[string]bool{}
	for _, sv := range servers {
		known[sv.Name] = true
		c := &mcpCheck{server: sv}
		c.launch()
		c.url()
		c.secrets()
		if spec.Tools != "" {
			c.hidden()
			c.approval(b, spec, ledger, opts)
		}
		res.Findings = append(res.Findings, c.findings...)
		res.Items = append(res.Items, preflight.Item{Gate: "mcp", Name: "server " + sv.Name, File: sv.File, Findings: len(c.findings)})
	}
	res.Findings = append(res.Findings, unusedEntries(b, ledger, mcpTable, ruleMcpUnusedApproval, "mcp",
		func(name string) bool { return known[name] },
		func(name string) string {
			return fmt.Sprintf("approval of MCP server %q is unused: no client config defines that server; remove the entry", name)
		})...)
	return res, nil
}

// mcpCheck collects the findings of one server.
type mcpCheck struct {
	server   *McpServer
	findings []preflight.Finding
}

func (c *mcpCheck) add(r preflight.Rule, file string, pos mcpfile.Pos, format string, args ...any) {
	f := r.Finding(file, pos.Line, pos.Column, fmt.Sprintf(format, args...))
	f.Subject = preflight.Subject{Kind: "mcp", Name: c.server.Name}
	c.findings = append(c.findings, f)
}

// launch reports a stdio server whose launcher fetches code without
// pinning it.
func (c *mcpCheck) launch() {
	s := c.server
	if s.Command == nil {
		return
	}
	v := launch.Judge(s.Command.Text, s.ArgTexts())
	if v.Pinned() {
		return
	}
	pos := s.Command.Pos
	if v.Arg >= 0 {
		pos = s.Args[v.Arg].Pos
	}
	shown := showLaunch(s.Command.Text, s.ArgTexts()[:v.Shown])
	const why = "so the code that runs is the code that was reviewed"
	var pin string
	switch v.Ecosystem {
	case launch.NPM:
		pin = showArg(v.Name) + "@X.Y.Z"
	case launch.Python:
		pin = showArg(v.Name) + "==X.Y.Z"
	}
	switch v.Problem {
	case launch.NoPackage:
		c.add(ruleMcpUnpinnedServer, s.File, pos, "server %q runs %s with no package to pin: name the package at its exact version (%s -y NAME@X.Y.Z) %s", s.Name, shown, v.Launcher, why)
	case launch.NoDigest:
		c.add(ruleMcpUnpinnedServer, s.File, pos, "server %q runs %s without an image digest: pin the image (IMAGE@sha256:…) %s", s.Name, shown, why)
	case launch.Latest:
		c.add(ruleMcpUnpinnedServer, s.File, pos, "server %q runs %s, whatever release is the latest today: pin it (%s) %s", s.Name, shown, pin, why)
	default:
		c.add(ruleMcpUnpinnedServer, s.File, pos, "server %q runs %s with %s: pin it (%s) %s", s.Name, shown, v.Problem, pin, why)
	}
}

// showLaunch renders a command line for a message, each word as
// [showArg] shows it.
func showLaunch(command string, args []string) string {
	words := []string{showArg(command)}
	for _, a := range args {
		words = append(words, showArg(a))
	}
	return strings.Join(words, " ")
}

// showArg renders one word of a command line: "(secret)" for a word that
// looks like a credential or sets a secret-named variable (TOKEN=…,
// --api-key=…), a URL without its user and password, and quoted when it
// is empty or holds white space, a quote or a character a person does
// not see (escaped).
func showArg(a string) string {
	if configdiff.LooksLikeCredential(a) {
		return "(secret)"
	}
	if name, _, ok := strings.Cut(a, "="); ok && configdiff.IsSecretName(strings.TrimLeft(name, "-")) {
		return "(secret)"
	}
	if i := strings.Index(a, "://"); i >= 0 {
		if at := strings.IndexByte(a[i+3:], '@'); at >= 0 && !strings.ContainsAny(a[i+3:i+3+at], "/?#") {
			a = a[:i+3] + "…@" + a[i+3+at+1:]
		}
	}
	if a == "" || strings.ContainsAny(a, " \t\n\"") || mcpfile.Visible(a) != a {
		// quoted, and every character a person does not see escaped
		// (\u200b, \ufe0f, \u202e): strconv.Quote keeps the marks
		return mcpfile.Visible(strconv.Quote(a))
	}
	return a
}

// url reports a remote server reached over plain HTTP.
func (c *mcpCheck) url() {
	s := c.server
	if s.URL == nil {
		return
	}
	host, ok := plainHTTPHost(s.URL.Text)
	if !ok {
		return
	}
	switch strings.ToLower(host) {
	case "localhost", "127.0.0.1", "::1":
		return
	}
	c.add(ruleMcpInsecureUrl, s.File, s.URL.Pos, "server %q connects to %s over plain HTTP: anyone on the network path can change its tools and read the headers sent to it; use https://", s.Name, showArg("http://"+host))
}

// plainHTTPHost returns the host of an http:// URL (without user, port or
// brackets).
func plainHTTPHost(u string) (string, bool) {
	if len(u) < 7 || !strings.EqualFold(u[:7], "http://") {
		return "", false
	}
	rest := u[7:]
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if i := strings.LastIndexByte(rest, '@'); i >= 0 {
		rest = rest[i+1:]
	}
	if strings.HasPrefix(rest, "[") {
		if i := strings.IndexByte(rest, ']'); i >= 0 {
			return rest[1:i], true
		}
		return rest[1:], true
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		rest = rest[:i]
	}
	return rest, true
}

// mcpReference is a value the client fills in: ${VAR}, ${VAR:-default},
// ${env:VAR}, ${input:ID}.
var mcpReference = regexp.MustCompile(`\$\{(?:env:[A-Za-z_][A-Za-z0-9_]*|input:[A-Za-z0-9_.-]+|[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?)\}`)

// mcpSecretHeaders are header names that carry credentials.
var mcpSecretHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie"}

// secrets reports env and headers entries that are secret and hold a
// literal. The value is never shown.
func (c *mcpCheck) secrets() {
	s := c.server
	file := s.File
	check := func(field string, e mcpfile.Entry) {
		v := e.Value.Text
		rest := mcpReference.ReplaceAllString(v, " ")
		kind := configdiff.CredentialKind(rest)
		named := configdiff.IsSecretName(e.Name)
		for _, h := range mcpSecretHeaders {
			named = named || strings.EqualFold(e.Name, h)
		}
		if kind == "" && !(named && strings.TrimSpace(v) != "" && rest == v) {
			return
		}
		what := "value not shown"
		if kind != "" {
			what = "it looks like " + kind
		}
		ref := "${" + refName(e.Name) + "}"
		switch {
		case field == "header" && strings.HasSuffix(strings.ToLower(e.Name), "authorization"):
			ref = fmt.Sprintf("\"Bearer ${input:%s-token}\"", s.Name)
		case field == "header":
			ref = fmt.Sprintf("${input:%s-token} or ${env:%s_TOKEN}", s.Name, refName(s.Name))
		}
		c.add(ruleMcpInlineSecret, file, e.Value.Pos, "server %q %s %s holds a literal secret (%s): write a reference the client fills in, such as %s, and revoke the committed secret", s.Name, field, showArg(e.Name), what, ref)
	}
	for _, d := range append([]McpDefinition{{s.File, s.Server}}, s.Repeats...) {
		file = d.File
		for _, e := range d.Server.Env {
			check("env", e)
		}
		for _, e := range d.Server.Headers {
			check("header", e)
		}
	}
}

// refName is a variable name for a reference in a message.
func refName(name string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(name) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "VAR"
	}
	return b.String()
}

// hidden reports every string of the snapshot's tools that hides an
// instruction.
func (c *mcpCheck) hidden() {
	s := c.server
	for _, t := range s.Tools {
		for _, h := range mcpfile.Scan(t) {
			what := fmt.Sprintf("holds %s: a reviewer does not see it, the agent reads it", h.What)
			if !strings.HasPrefix(h.What, "U+") {
				what = fmt.Sprintf("says %q: a tool's text that gives the agent instructions", h.What)
			}
			field := h.Field
			if h.Key {
				field = "key " + field
			}
			c.add(ruleMcpHiddenInstructions, s.Snapshot, h.Pos, "server %q tool %s %s %s; do not approve this tool list, report it", s.Name, quoteTool(t.Name), field, what)
		}
	}
}

// quoteTool quotes a tool name for a message, invisible characters
// escaped.
func quoteTool(name string) string {
	if len(name) > 80 {
		name = string([]rune(name)[:min(len([]rune(name)), 60)]) + "…"
	}
	return fmt.Sprintf("%+q", name)
}
