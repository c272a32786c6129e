package checks

import (
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/preflight-gate/preflight/checks/internal/cron"
	"github.com/preflight-gate/preflight/configdiff"
	"github.com/preflight-gate/preflight/preflight"
)

// workflow is a GitHub Actions workflow file as the schedules gate reads
// it: its schedule, its jobs, their needs and failure conditions, with the
// positions of the file.
type workflow struct {
	file     string           // as the user reaches it, for errors
	rel      string           // relative to the bundle, for findings
	data     []byte           // the file's text: the watcher is read whole, comments included
	on       *configdiff.Node // the `on` key; nil when there is none
	schedule *configdiff.Node // the `schedule` key under `on`; nil when not scheduled
	entries  []cron.Entry
	jobs     []*workflowJob // in file order
}

// workflowJob is one entry of `jobs`.
type workflowJob struct {
	id       string
	node     *configdiff.Node
	needs    []string
	failure  bool // its `if` is a failure condition
	reusable bool // it calls a reusable workflow (`uses:`): it has no steps
	steps    []*workflowStep
}

// workflowStep is one entry of a job's `steps`.
type workflowStep struct {
	node    *configdiff.Node
	failure bool // its `if` is a failure condition
}

// scheduled reports whether the workflow runs on a schedule.
func (w *workflow) scheduled() bool { return w.schedule != nil }

// readWorkflow reads a workflow file's text; file names it as the user
// reaches it. A file that is not a workflow as GitHub reads it is an
// *preflight.Error at its position; messages quote nothing of the file.
func readWorkflow(file string, data []byte) (*workflow, error) {
	t, err := preflight.ParseConfig(file, data)
	if err != nil {
		return nil, err
	}
	w := &workflow{file: file, data: data}
	var jobs *configdiff.Node
	for _, n := range t.Root.Children {
		switch name(n) {
		case "on":
			w.on = n
		case "jobs":
			jobs = n
		}
	}
	if w.on != nil && w.on.Kind == configdiff.Map {
		for _, n := range w.on.Children {
			if name(n) == "schedule" {
				if err := w.readSchedule(n); err != nil {
					return nil, err
				}
			}
		}
	}
	if jobs == nil {
		if w.scheduled() {
			return nil, w.errAt(w.schedule.KeyPos, "a scheduled workflow needs jobs: expected a jobs mapping")
		}
		return w, nil
	}
	if err := w.readJobs(jobs); err != nil {
		return nil, err
	}
	return w, nil
}

func (w *workflow) errAt(p configdiff.Pos, format string, args ...any) error {
	return preflight.Errorf(w.file, p.Line, p.Column, format, args...)
}

// name is the last segment of a node's key.
func name(n *configdiff.Node) string { return n.Path[len(n.Path)-1].Name }

// readSchedule reads `schedule`: a list of {cron, timezone} entries.
func (w *workflow) readSchedule(n *configdiff.Node) error {
	w.schedule = n
	if n.Kind != configdiff.List {
		return w.errAt(n.ValuePos, "schedule is %s: expected a list of entries such as - cron: '0 8 * * 1'", n.Describe())
	}
	for i, e := range n.Children {
		if e.Kind != configdiff.Map {
			return w.errAt(e.ValuePos, "schedule entry %d is %s: expected a mapping with cron (and optionally timezone)", i+1, e.Describe())
		}
		var line, zone *configdiff.Node
		for _, f := range e.Children {
			switch name(f) {
			case "cron":
				line = f
			case "timezone":
				zone = f
			default:
				return w.errAt(f.KeyPos, "schedule entry %d has an unknown key: expected only cron and timezone", i+1)
			}
		}
		if line == nil {
			return w.errAt(e.ValuePos, "schedule entry %d has no cron: expected cron: 'MINUTE HOUR DAY MONTH WEEKDAY'", i+1)
		}
		if line.Kind != configdiff.String {
			return w.errAt(line.ValuePos, "cron of schedule entry %d is %s: expected a string of five fields", i+1, line.Describe())
		}
		s, err := cron.Parse(line.Text)
		if err != nil {
			var se *cron.SyntaxError
			p := line.ValuePos
			if errors.As(err, &se) {
				p = w.offset(line.ValuePos, se.Offset)
			}
			return w.errAt(p, "cron of schedule entry %d: %v", i+1, err)
		}
		entry := cron.Entry{Schedule: s}
		if zone != nil {
			if zone.Kind != configdiff.String {
				return w.errAt(zone.ValuePos, "timezone of schedule entry %d is %s: expected an IANA time zone name such as Europe/Berlin", i+1, zone.Describe())
			}
			loc, err := cron.LoadZone(zone.Text)
			if err != nil {
				return w.errAt(zone.ValuePos, "timezone of schedule entry %d: %v", i+1, err)
			}
			entry.Zone = loc
		}
		w.entries = append(w.entries, entry)
	}
	return nil
}

// offset returns the position of the character off characters into the
// one-line scalar that starts at p (past its opening quote, if any).
func (w *workflow) offset(p configdiff.Pos, off int) configdiff.Pos {
	if p.Line == 0 || p.Column == 0 {
		return p
	}
	line := w.line(p.Line)
	col := 1
	for i := 0; i < len(line); {
		r, size := utf8.DecodeRuneInString(line[i:])
		if col == p.Column {
			switch r {
			case '"', '\'':
				return configdiff.Pos{Line: p.Line, Column: p.Column + 1 + off}
			case '|', '>':
				return p // a block scalar: its text starts on a later line
			}
			return configdiff.Pos{Line: p.Line, Column: p.Column + off}
		}
		i += size
		col++
	}
	return p
}

// line returns the text of a 1-based line.
func (w *workflow) line(n int) string {
	s := string(w.data)
	for i := 1; i < n; i++ {
		j := strings.IndexAny(s, "\n")
		if j < 0 {
			return ""
		}
		s = s[j+1:]
	}
	if j := strings.IndexAny(s, "\r\n"); j >= 0 {
		s = s[:j]
	}
	return s
}

// readJobs reads `jobs`: a mapping of job ids to jobs.
func (w *workflow) readJobs(jobs *configdiff.Node) error {
	if jobs.Kind != configdiff.Map {
		return w.errAt(jobs.ValuePos, "jobs is %s: expected a mapping of job ids to jobs", jobs.Describe())
	}
	ids := map[string]bool{}
	for _, n := range jobs.Children {
		ids[name(n)] = true
	}
	for _, n := range jobs.Children {
		j := &workflowJob{id: name(n), node: n}
		if n.Kind != configdiff.Map {
			return w.errAt(n.ValuePos, "%s is %s: expected a job: a mapping with runs-on and steps, or uses", n.Key, n.Describe())
		}
		for _, f := range n.Children {
			var err error
			switch name(f) {
			case "needs":
				err = w.readNeeds(j, f, ids)
			case "if":
				j.failure, err = w.condition(f)
			case "uses":
				j.reusable = true
			case "steps":
				err = w.readSteps(j, f)
			}
			if err != nil {
				return err
			}
		}
		w.jobs = append(w.jobs, j)
	}
	return nil
}

// readNeeds reads a job's `needs`: one job id or a list of them.
func (w *workflow) readNeeds(j *workflowJob, n *configdiff.Node, ids map[string]bool) error {
	one := func(e *configdiff.Node) error {
		if e.Kind != configdiff.String {
			return w.errAt(e.ValuePos, "%s is %s: expected a job id", e.Key, e.Describe())
		}
		if !ids[e.Text] {
			return w.errAt(e.ValuePos, "%s names a job that jobs does not have: expected the id of another job", e.Key)
		}
		j.needs = append(j.needs, e.Text)
		return nil
	}
	if n.Kind == configdiff.List {
		for _, e := range n.Children {
			if err := one(e); err != nil {
				return err
			}
		}
		return nil
	}
	return one(n)
}

// readSteps reads a job's `steps`: a list of mappings.
func (w *workflow) readSteps(j *workflowJob, n *configdiff.Node) error {
	if n.Kind != configdiff.List {
		return w.errAt(n.ValuePos, "%s is %s: expected a list of steps", n.Key, n.Describe())
	}
	for _, s := range n.Children {
		if s.Kind != configdiff.Map {
			return w.errAt(s.ValuePos, "%s is %s: expected a step: a mapping with run or uses", s.Key, s.Describe())
		}
		st := &workflowStep{node: s}
		for _, f := range s.Children {
			if name(f) == "if" {
				var err error
				if st.failure, err = w.condition(f); err != nil {
					return err
				}
			}
		}
		j.steps = append(j.steps, st)
	}
	return nil
}

// condition reads an `if` and reports whether it is a failure condition.
func (w *workflow) condition(n *configdiff.Node) (bool, error) {
	if n.Kind == configdiff.Map || n.Kind == configdiff.List {
		return false, w.errAt(n.ValuePos, "%s is %s: expected an expression", n.Key, n.Describe())
	}
	return failureCondition(n.Text), nil
}

var (
	callFailure = regexp.MustCompile(`(?i)failure\s*\(\s*\)`)
	callAlways  = regexp.MustCompile(`(?i)(^|[^A-Za-z0-9_.-])always\s*\(\s*\)`)
)

// failureCondition reports whether an `if` expression runs on failure: it
// calls failure() not preceded by '!', or it calls always() and holds the
// string 'failure' (as in always() && contains(needs.*.result, 'failure')).
// Function names compare case-insensitively; the string 'failure' does not.
func failureCondition(expr string) bool {
	for _, m := range callFailure.FindAllStringIndex(expr, -1) {
		before := expr[:m[0]]
		if before != "" && identByte(before[len(before)-1]) {
			continue // the end of another name, as in on_failure()
		}
		if t := strings.TrimRight(before, " \t\r\n"); t != "" && t[len(t)-1] == '!' {
			continue
		}
		return true
	}
	return callAlways.MatchString(expr) && strings.Contains(expr, "'failure'")
}

// identByte reports whether c can be part of a name in an expression.
func identByte(c byte) bool {
	return c == '_' || c == '-' || c == '.' || 'a' <= c|0x20 && c|0x20 <= 'z' || '0' <= c && c <= '9'
}

// notice returns the workflow's failure notice: the jobs with a failure
// condition that need, directly or through other jobs, every other job
// (rule a), and, when every job has a step with a failure condition (rule
// b), those steps. ok is false when the workflow has neither.
func (w *workflow) notice() (jobs []*workflowJob, steps []*workflowStep, ok bool) {
	byID := map[string]*workflowJob{}
	for _, j := range w.jobs {
		byID[j.id] = j
	}
	if len(w.jobs) >= 2 {
		for _, j := range w.reachingAll(byID) {
			if j.failure {
				jobs = append(jobs, j)
			}
		}
	}
	every := len(w.jobs) > 0
	var found []*workflowStep
	for _, j := range w.jobs {
		has := false
		for _, s := range j.steps {
			if s.failure {
				found = append(found, s)
				has = true
			}
		}
		every = every && has
	}
	if every {
		steps = found
	}
	return jobs, steps, len(jobs) > 0 || len(steps) > 0
}

// reachingAll returns, in file order, the jobs whose needs reach every
// other job, directly or through other jobs' needs, in time linear in the
// jobs and their needs (a hostile workflow of many jobs must not cost the
// square of them). The job started last by a series of walks over the needs
// that together visit every job reaches every job when any job does; the
// jobs that do are then exactly those that reach it.
func (w *workflow) reachingAll(byID map[string]*workflowJob) []*workflowJob {
	walk := func(from string, seen map[string]bool, next func(string) []string) int {
		n := 0
		stack := []string{from}
		seen[from] = true
		for len(stack) > 0 {
			id := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			n++
			for _, o := range next(id) {
				if !seen[o] {
					seen[o] = true
					stack = append(stack, o)
				}
			}
		}
		return n
	}
	needs := func(id string) []string { return byID[id].needs }
	seen := map[string]bool{}
	last := ""
	for _, j := range w.jobs {
		if !seen[j.id] {
			last = j.id
			walk(j.id, seen, needs)
		}
	}
	if last == "" || walk(last, map[string]bool{}, needs) < len(w.jobs) {
		return nil
	}
	neededBy := map[string][]string{}
	for _, j := range w.jobs {
		for _, n := range j.needs {
			neededBy[n] = append(neededBy[n], j.id)
		}
	}
	reach := map[string]bool{}
	walk(last, reach, func(id string) []string { return neededBy[id] })
	var out []*workflowJob
	for _, j := range w.jobs {
		if reach[j.id] {
			out = append(out, j)
		}
	}
	return out
}

// needed returns the other jobs j needs, directly or through their needs.
func (w *workflow) needed(j *workflowJob, byID map[string]*workflowJob) map[string]bool {
	seen := map[string]bool{}
	stack := append([]string(nil), j.needs...)
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[id] || id == j.id {
			continue
		}
		seen[id] = true
		stack = append(stack, byID[id].needs...)
	}
	return seen
}

// noticeAddress is an address found in a string of a failure notice.
type noticeAddress struct {
	address string
	node    *configdiff.Node // the string that holds it
}

// addressKeys are the keys whose values name a sender or an action, not
// where a notice goes.
var addressKeys = map[string]bool{"uses": true, "from": true, "sender": true, "reply_to": true, "reply-to": true}

// noticeAddresses returns the addresses in every string under the notice's
// jobs and steps, except the values of addressKeys, in file order.
func noticeAddresses(jobs []*workflowJob, steps []*workflowStep) []noticeAddress {
	var out []noticeAddress
	var walk func(n *configdiff.Node)
	walk = func(n *configdiff.Node) {
		if len(n.Path) > 0 && !n.Path[len(n.Path)-1].IsIndex && addressKeys[name(n)] {
			return
		}
		if n.Kind == configdiff.String {
			for _, a := range addresses(n.Text) {
				out = append(out, noticeAddress{address: a, node: n})
			}
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	for _, j := range jobs {
		for _, c := range j.node.Children {
			walk(c)
		}
	}
	for _, s := range steps {
		for _, c := range s.node.Children {
			walk(c)
		}
	}
	return out
}

var (
	expression   = regexp.MustCompile(`(?s)\$\{\{.*?\}\}`)
	mailto       = regexp.MustCompile(`(?i)mailto:`)
	emailAddress = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}`)
)

// addresses returns the email addresses in a text, after removing each
// ${{ … }} expression and then every mailto:.
func addresses(text string) []string {
	text = expression.ReplaceAllString(text, "")
	text = mailto.ReplaceAllString(text, "")
	return emailAddress.FindAllString(text, -1)
}
