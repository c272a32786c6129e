package launch

import (
	"strings"
	"testing"
)

func TestJudge(t *testing.T) {
	for _, tc := range []struct {
		line    string // command and args, split at spaces
		eco     Ecosystem
		problem Problem
		pkg     string // the unpinned package
		name    string
		arg     int // Verdict.Arg
	}{
		// npx and friends
		{"npx -y @modelcontextprotocol/server-github", NPM, NoVersion, "@modelcontextprotocol/server-github", "@modelcontextprotocol/server-github", 1},
		{"npx -y @modelcontextprotocol/server-github@2025.4.8", NPM, Pinned, "", "", -1},
		{"npx -y server-x@1.2.3-beta.1+build.5", NPM, Pinned, "", "", -1},
		{"npx -y server-x@latest", NPM, Latest, "server-x@latest", "server-x", 1},
		{"npx -y @scope/server-x@latest", NPM, Latest, "@scope/server-x@latest", "@scope/server-x", 1},
		{"npx -y server-x@^1.2.3", NPM, Range, "server-x@^1.2.3", "server-x", 1},
		{"npx -y server-x@~1.2", NPM, Range, "server-x@~1.2", "server-x", 1},
		{"npx -y server-x@>=1.0.0", NPM, Range, "server-x@>=1.0.0", "server-x", 1},
		{"npx -y server-x@1.x", NPM, Range, "server-x@1.x", "server-x", 1},
		{"npx -y server-x@1", NPM, Range, "server-x@1", "server-x", 1},
		{"npx -y server-x@*", NPM, Range, "server-x@*", "server-x", 1},
		{"npx -y server-x@next", NPM, Tag, "server-x@next", "server-x", 1},
		{"npx -y server-x@01.2.3", NPM, Tag, "server-x@01.2.3", "server-x", 1},
		{"npx -y server-x@", NPM, NoVersion, "server-x@", "server-x", 1},
		{"npx -y", NPM, NoPackage, "", "", -1},
		{"npx --package=@scope/x@1.0.0 x-cli --flag", NPM, Pinned, "", "", -1},
		{"npx --package=@scope/x x-cli", NPM, NoVersion, "@scope/x", "@scope/x", 0},
		{"npx --package @scope/x@1.0.0 -p other x-cli", NPM, NoVersion, "other", "other", 3},
		{"npx -p @scope/x@1.0.0 x-cli@latest", NPM, Pinned, "", "", -1},
		{"npx --registry https://r.example.com server-x@1.0.0", NPM, Pinned, "", "", -1},
		{"npx --registry=https://r.example.com server-x", NPM, NoVersion, "server-x", "server-x", 1},
		{"npx -y -- server-x --port 3", NPM, NoVersion, "server-x", "server-x", 2},
		{"npx -y -- -weird@1.0.0", NPM, Pinned, "", "", -1},
		{"bunx server-x", NPM, NoVersion, "server-x", "server-x", 0},
		{"bunx server-x@0.1.0", NPM, Pinned, "", "", -1},
		{"pnpx server-x", NPM, NoVersion, "server-x", "server-x", 0},
		{"npm exec -y server-x", NPM, NoVersion, "server-x", "server-x", 2},
		{"npm exec -y -- server-x@1.0.0", NPM, Pinned, "", "", -1},
		{"npm --yes exec server-x", NPM, NoVersion, "server-x", "server-x", 2},
		{"npm run start", NotJudged, Pinned, "", "", -1},
		{"pnpm dlx server-x", NPM, NoVersion, "server-x", "server-x", 1},
		{"pnpm exec server-x", NotJudged, Pinned, "", "", -1},
		{"yarn dlx @scope/x@2.0.0", NPM, Pinned, "", "", -1},
		{"yarn dlx @scope/x", NPM, NoVersion, "@scope/x", "@scope/x", 1},
		{`C:\nodejs\npx.cmd -y server-x`, NPM, NoVersion, "server-x", "server-x", 1},
		{"/usr/local/bin/NPX.EXE -y server-x@1.0.0", NPM, Pinned, "", "", -1},
		{"cmd /c npx -y server-x", NPM, NoVersion, "server-x", "server-x", 3},
		{"cmd /C npx -y server-x@1.0.0", NPM, Pinned, "", "", -1},
		{"cmd.exe /c node server.js", NotJudged, Pinned, "", "", -1},
		{"cmd /d /s /c npx -y server-x", NPM, NoVersion, "server-x", "server-x", 5},
		{"cmd /q /C npx -y server-x@1.0.0", NPM, Pinned, "", "", -1},
		// a flag's value before the subcommand is not the subcommand
		{"npm --registry https://r.example.com exec server-x", NPM, NoVersion, "server-x", "server-x", 3},
		{"uv --python 3.12 tool run mcp-server-fetch", Python, NoVersion, "mcp-server-fetch", "mcp-server-fetch", 4},

		// Python launchers
		{"uvx mcp-server-fetch", Python, NoVersion, "mcp-server-fetch", "mcp-server-fetch", 0},
		{"uvx mcp-server-fetch==0.6.2", Python, Pinned, "", "", -1},
		{"uvx mcp-server-fetch@0.6.2", Python, Pinned, "", "", -1},
		{"uvx mcp-server-fetch@latest", Python, Latest, "mcp-server-fetch@latest", "mcp-server-fetch", 0},
		{"uvx mcp-server-fetch==0.6.*", Python, Range, "mcp-server-fetch==0.6.*", "mcp-server-fetch", 0},
		{"uvx mcp-server-fetch>=0.6", Python, Range, "mcp-server-fetch>=0.6", "mcp-server-fetch", 0},
		{"uvx mcp-server-fetch~=0.6", Python, Range, "mcp-server-fetch~=0.6", "mcp-server-fetch", 0},
		{"uvx mcp-server-fetch==0.6,<1", Python, Range, "mcp-server-fetch==0.6,<1", "mcp-server-fetch", 0},
		{"uvx --python 3.12 --with httpx mcp-server-fetch==0.6.2", Python, Pinned, "", "", -1},
		{"uvx --python=3.12 --with=httpx mcp-server-fetch", Python, NoVersion, "mcp-server-fetch", "mcp-server-fetch", 2},
		{"uvx --from mcp-server-git==1.0.0 mcp-server-git", Python, Pinned, "", "", -1},
		{"uvx --from git+https://github.com/o/r mcp-server-git", Python, NoVersion, "git+https://github.com/o/r", "git+https://github.com/o/r", 1},
		{"uvx --index https://pypi.example.com/simple mcp-x==1.0", Python, Pinned, "", "", -1},
		{"uvx --from git+https://github.com/o/r@v1.2 mcp-server-git", Python, Pinned, "", "", -1},
		{"uvx --from git+ssh://git@github.com/o/r mcp-server-git", Python, NoVersion, "git+ssh://git@github.com/o/r", "git+ssh://git@github.com/o/r", 1},
		{"uv tool run mcp-server-time", Python, NoVersion, "mcp-server-time", "mcp-server-time", 2},
		{"uv tool run --from mcp-server-time==1.2 mcp-server-time", Python, Pinned, "", "", -1},
		{"uv run server.py", NotJudged, Pinned, "", "", -1},
		{"pipx run mcp-server-time", Python, NoVersion, "mcp-server-time", "mcp-server-time", 1},
		{"pipx run --spec mcp-server-time==1.2.0 mcp-server-time", Python, Pinned, "", "", -1},
		{"pipx run --spec=mcp-server-time mcp-server-time", Python, NoVersion, "mcp-server-time", "mcp-server-time", 1},
		{"pipx install x", NotJudged, Pinned, "", "", -1},

		// containers
		{"docker run -i --rm ghcr.io/github/github-mcp-server", Container, NoDigest, "", "", -1},
		{"docker run -i --rm ghcr.io/github/github-mcp-server:v1.0", Container, NoDigest, "", "", -1},
		{"docker run -i --rm ghcr.io/github/github-mcp-server@sha256:" + strings.Repeat("ab", 32), Container, Pinned, "", "", -1},
		{"docker run -i ghcr.io/x:v1@sha256:" + strings.Repeat("ab", 32), Container, Pinned, "", "", -1},
		{"docker run -i ghcr.io/x@sha256:" + strings.Repeat("AB", 32), Container, Pinned, "", "", -1},
		{"docker run -i ghcr.io/x@sha256:" + strings.Repeat("ab", 31), Container, NoDigest, "", "", -1},
		{"docker run -i ghcr.io/x@sha256:" + strings.Repeat("ab", 33), Container, NoDigest, "", "", -1},
		{"podman run --rm quay.io/x/y", Container, NoDigest, "", "", -1},
		{"docker exec -i ctr server", NotJudged, Pinned, "", "", -1},

		// anything else runs what the repository holds
		{"node build/index.js", NotJudged, Pinned, "", "", -1},
		{"python -m server", NotJudged, Pinned, "", "", -1},
		{"./bin/server --port 3", NotJudged, Pinned, "", "", -1},
	} {
		f := strings.Fields(tc.line)
		v := Judge(f[0], f[1:])
		if v.Ecosystem != tc.eco || v.Problem != tc.problem || v.Package != tc.pkg || v.Name != tc.name || v.Arg != tc.arg {
			t.Errorf("Judge(%s) = %v %q %q %q arg %d; want %v %q %q %q arg %d", tc.line,
				v.Ecosystem, v.Problem, v.Package, v.Name, v.Arg, tc.eco, tc.problem, tc.pkg, tc.name, tc.arg)
		}
		if v.Pinned() != (tc.problem == Pinned) {
			t.Errorf("Judge(%s).Pinned() = %v", tc.line, v.Pinned())
		}
	}
}

func TestJudgeCmdOneArgument(t *testing.T) {
	v := Judge("cmd", []string{"/c", "npx -y server-x"})
	if v.Problem != NoVersion || v.Package != "server-x" || v.Arg != 1 {
		t.Errorf("got %+v", v)
	}
	if v := Judge("cmd", []string{"/c", "  "}); v.Ecosystem != NotJudged {
		t.Errorf("blank: %+v", v)
	}
}

func TestShown(t *testing.T) {
	for _, tc := range []struct {
		line  string
		shown int
	}{
		{"npx -y server-x --token abc", 2},
		{"npm exec -y server-x --x", 3},
		{"docker run -i --rm -e TOKEN=abc img", 1},
		{"npx -y --quiet", 2},
	} {
		f := strings.Fields(tc.line)
		if v := Judge(f[0], f[1:]); v.Shown != tc.shown {
			t.Errorf("Judge(%s).Shown = %d, want %d", tc.line, v.Shown, tc.shown)
		}
	}
}

func TestBase(t *testing.T) {
	for in, want := range map[string]string{
		"npx": "npx", "npx.cmd": "npx", `C:\Program Files\nodejs\npx.CMD`: "npx",
		"/usr/bin/docker": "docker", "uvx.exe": "uvx", ".cmd": ".cmd", "run.bat": "run",
	} {
		if got := Base(in); got != want {
			t.Errorf("Base(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzJudge judges any command line (arguments separated by NUL bytes):
// it never panics, and what it reports lies in the arguments it was given.
func FuzzJudge(f *testing.F) {
	for _, s := range []string{
		"npx\x00-y\x00@modelcontextprotocol/server-github",
		"npx\x00-y\x00some-server@1.2.3-rc.1+b",
		"cmd\x00/c\x00npx\x00--package=x@latest\x00--\x00y",
		"uvx\x00--from\x00mcp-server-fetch==1.0\x00mcp-server-fetch",
		"uv\x00tool\x00run\x00--with\x00a\x00b@*",
		"docker\x00run\x00-i\x00--rm\x00ghcr.io/x/y@sha256:" + strings.Repeat("a", 64),
		"C:\\bin\\NPX.CMD\x00pkg",
		"pnpm\x00dlx\x00",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		words := strings.Split(line, "\x00")
		args := words[1:]
		v := Judge(words[0], args)
		if v.Arg < -1 || v.Arg >= len(args) {
			t.Fatalf("Judge(%q, %q): Arg %d out of range", words[0], args, v.Arg)
		}
		if v.Arg >= 0 && !strings.Contains(args[v.Arg], v.Package) {
			t.Fatalf("Judge(%q, %q): package %q is not in argument %d", words[0], args, v.Package, v.Arg)
		}
		if v.Shown < 0 || v.Shown > len(args) {
			t.Fatalf("Judge(%q, %q): shows %d arguments of %d", words[0], args, v.Shown, len(args))
		}
		_ = Base(words[0])
	})
}
