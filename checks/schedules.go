package checks

import (
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/preflight-gate/preflight/checks/internal/cron"
	"github.com/preflight-gate/preflight/configdiff"
	"github.com/preflight-gate/preflight/preflight"
	"github.com/preflight-gate/preflight/preflight/words"
)

const schedulesIncident = "Auth cascade: 14 scheduled workflows sent their failure notices to one employee's own address. " +
	"She left, her mailbox was closed, and the workflows failed unheard for 4 days. The post-mortem: a weekly check that " +
	"each scheduled workflow ran, mailed to the automation owners, \"would have surfaced the incident within 24 hours instead of 96\"."

var (
	ruleSchedulesNoFailureNotice = preflight.Rule{
		ID:       "schedules/no-failure-notice",
		Severity: preflight.SeverityError,
		Title:    "a scheduled workflow has no failure notice",
		Why: "Nobody watches a scheduled workflow run: when it fails, the only one GitHub tells is the person who last edited its " +
			"cron line, and when that person leaves, nobody. A workflow has a failure notice when a job with a failure condition " +
			"(if: failure(), or always() with 'failure') needs every other job, directly or through their needs, or when every job " +
			"has a step with a failure condition. A job that calls a reusable workflow has no steps of its own, so only a notice job covers it.",
		Incident: schedulesIncident,
		Fix: "Add a job with if: failure() that needs every other job, and send its notice to a team alias of the registry; " +
			"or give every job a last step with if: failure().",
	}
	ruleSchedulesNoticeNotTeam = preflight.Rule{
		ID:       "schedules/notice-not-team",
		Severity: preflight.SeverityError,
		Title:    "a failure notice goes to an address that is not a team alias of at least min_members members",
		Why: "A failure notice to a person stops working the day that person leaves, and nothing tells anyone. " +
			"Every address in the notice (its job or its failure steps, with, env and run included; not uses, from, sender or reply-to) " +
			"must be a registered team alias with at least min_members members (default: [routes]' value, else 2).",
		Incident: schedulesIncident,
		Fix: "Send the notice to a team alias of the registry. When the address is a member's own, the message names the member's alias; " +
			"when no alias fits, add one to teams.toml with at least two members.",
	}
	ruleSchedulesNoWatcher = preflight.Rule{
		ID:       "schedules/no-watcher",
		Severity: preflight.SeverityError,
		Title:    "no weekly watcher checks that the scheduled workflows ran",
		Why: "A workflow that stops running sends no failure notice: it is disabled, its schedule was removed, its trigger broke. " +
			"Only a watcher notices: a workflow that lists each scheduled workflow's runs and mails the summary to a team. " +
			"[schedules] watcher names it; it must run on a schedule, at most max_gap_days (default 7) between runs, " +
			"and send to a team alias of at least min_members members.",
		Incident: schedulesIncident,
		Fix: "Add a weekly workflow that lists each scheduled workflow's runs of the last 7 days " +
			"(gh run list --workflow NAME --created \">=$(date -u -d '7 days ago' +%F)\") and mails the summary to a team alias, " +
			"and name it in [schedules] watcher (see the README).",
	}
	ruleSchedulesUnwatched = preflight.Rule{
		ID:       "schedules/unwatched",
		Severity: preflight.SeverityError,
		Title:    "a scheduled workflow is not named in the watcher",
		Why: "The watcher checks the workflows it names. A scheduled workflow whose file name does not occur in the watcher's text " +
			"can stop running and nobody checks: the pull request that adds a scheduled workflow must add it to the watcher too.",
		Incident: schedulesIncident,
		Fix:      "Add the workflow's file name (such as nightly-sync.yml) to the list the watcher checks.",
	}
)

// SchedulesSpec is the [schedules] section.
type SchedulesSpec struct {
	Workflows  []string `toml:"workflows"`    // path globs; default .github/workflows/*.yml and *.yaml in the root
	MinMembers *int     `toml:"min_members"`  // default: [routes]' value, else 2
	Watcher    string   `toml:"watcher"`      // the workflow that checks that every scheduled workflow ran
	MaxGapDays *int     `toml:"max_gap_days"` // default 7
}

// Schedules is the schedules gate: every scheduled GitHub Actions workflow
// has a failure notice that reaches a team, and a weekly watcher checks
// that each one ran (the auth-cascade incident).
type Schedules struct{}

// Info declares the schedules gate.
func (Schedules) Info() preflight.GateInfo {
	return preflight.GateInfo{
		Name:    "schedules",
		Section: "schedules",
		Spec:    SchedulesSpec{},
		Rules: []preflight.Rule{ruleSchedulesNoFailureNotice, ruleSchedulesNoticeNotTeam,
			ruleSchedulesNoWatcher, ruleSchedulesUnwatched},
		Registry: true,
	}
}

// Load checks the section and fills in its defaults.
func (Schedules) Load(b *preflight.Bundle, section any) (any, error) {
	spec := section.(*SchedulesSpec)
	var err error
	if spec.MinMembers, err = teamMinMembers(b, "schedules.min_members", spec.MinMembers); err != nil {
		return nil, err
	}
	if spec.MaxGapDays == nil {
		spec.MaxGapDays = intPtr(7)
	} else if *spec.MaxGapDays < 1 {
		return nil, b.ManifestError("schedules.max_gap_days", "max_gap_days must be at least 1 day, got %d", *spec.MaxGapDays)
	}
	if line, _ := b.Pos("schedules.workflows"); line > 0 && len(spec.Workflows) == 0 {
		return nil, b.ManifestError("schedules.workflows", "schedules.workflows is empty: list the workflow files, or omit workflows to read .github/workflows in the root")
	}
	if err := checkPathList(b, "schedules.workflows", spec.Workflows); err != nil {
		return nil, err
	}
	if line, _ := b.Pos("schedules.watcher"); line > 0 && spec.Watcher == "" {
		return nil, b.ManifestError("schedules.watcher", "schedules.watcher is empty: expected the path of the workflow that checks that every scheduled workflow ran")
	}
	return spec, nil
}

// schedulesRun is one check of the schedules gate.
type schedulesRun struct {
	b        *preflight.Bundle
	spec     *SchedulesSpec
	judge    aliasJudge
	secrets  configdiff.GlobSet // a notice address under a secret key is not shown
	res      *preflight.Result
	findings []preflight.Finding
}

// Check reads the workflows and the watcher and judges them.
func (Schedules) Check(b *preflight.Bundle, s any, _ *preflight.Options) (*preflight.Result, error) {
	spec := s.(*SchedulesSpec)
	reg, err := b.Teams()
	if err != nil {
		return nil, err
	}
	r := &schedulesRun{b: b, spec: spec, res: &preflight.Result{},
		judge: aliasJudge{reg: reg, teams: b.Manifest.Teams, minMembers: *spec.MinMembers}, secrets: SecretGlobs(b)}
	files, err := r.workflowFiles()
	if err != nil {
		return nil, err
	}
	// The workflows first, then the watcher, as the manifest lists them.
	watcherRel := ""
	if spec.Watcher != "" {
		watcherRel = words.Rel(spec.Watcher)
	}
	var scheduled []*workflow
	for _, f := range files {
		if f.rel == watcherRel {
			continue // read as the watcher
		}
		w, err := r.read(f.key, f.rel)
		if err != nil {
			return nil, err
		}
		if w.scheduled() {
			scheduled = append(scheduled, w)
		}
	}
	var watcher *workflow
	if watcherRel != "" {
		if watcher, err = r.read("schedules.watcher", watcherRel); err != nil {
			return nil, err
		}
	}
	for _, w := range scheduled {
		before := len(r.findings)
		r.notice(w)
		if watcher != nil && !strings.Contains(string(watcher.data), w.base()) {
			r.report(ruleSchedulesUnwatched, w, w.schedule.KeyPos,
				"%s runs on a schedule but the watcher %s does not name it, so nobody checks that it ran: add %s to the workflows the watcher checks",
				w.base(), watcher.base(), w.base())
		}
		r.item(w.base(), w.rel, before)
	}
	switch {
	case watcher != nil:
		before := len(r.findings)
		if watcher.scheduled() {
			r.notice(watcher)
		}
		r.watcher(watcher)
		r.item("watcher "+watcher.base(), watcher.rel, before)
	case len(scheduled) > 0:
		line, col := b.Pos("schedules")
		f := ruleSchedulesNoWatcher.Finding(preflight.ManifestName, line, col, fmt.Sprintf(
			"%s on a schedule but no watcher checks that %s: name one in [schedules] watcher, a weekly workflow that lists each one's runs of the last %s "+
				"(gh run list --workflow NAME --created ...) and mails the summary to a team alias", runsOnSchedule(scheduled), theyRan(scheduled), days(*r.spec.MaxGapDays)))
		r.findings = append(r.findings, f)
	}
	r.res.Findings = r.findings
	return r.res, nil
}

// workflowFile is a workflow file and the manifest key that names it.
type workflowFile struct{ key, rel string }

// workflowFiles lists the files workflows matches (or the defaults), each
// once, in order.
func (r *schedulesRun) workflowFiles() ([]workflowFile, error) {
	patterns, key := r.spec.Workflows, "schedules.workflows"
	if len(patterns) == 0 {
		// Where GitHub reads them: .github/workflows in the root (the top
		// of the git work tree, or the bundle itself outside one).
		patterns, key = []string{r.b.RootRel(".github/workflows/*.yml"), r.b.RootRel(".github/workflows/*.yaml")}, "schedules"
	}
	var files []workflowFile
	seen := map[string]bool{}
	for i, p := range patterns {
		k := key
		if len(r.spec.Workflows) > 0 {
			k = fmt.Sprintf("%s[%d]", key, i)
		}
		matches, err := r.b.Glob(k, p)
		if err != nil {
			return nil, err
		}
		for _, m := range matches {
			if !seen[m] {
				seen[m] = true
				files = append(files, workflowFile{k, m})
			}
		}
	}
	return files, nil
}

// read reads a workflow the manifest names under key.
func (r *schedulesRun) read(key, rel string) (*workflow, error) {
	_, data, err := r.b.ReadFile(key, rel, preflight.MaxFileSize)
	if err != nil {
		return nil, err
	}
	w, err := readWorkflow(r.b.Display(rel), data)
	if err != nil {
		return nil, err
	}
	w.rel = rel
	return w, nil
}

func (r *schedulesRun) report(rule preflight.Rule, w *workflow, p configdiff.Pos, format string, args ...any) {
	r.findings = append(r.findings, rule.Finding(w.rel, p.Line, p.Column, fmt.Sprintf(format, args...)))
}

// item records a checked workflow, with the findings reported since before.
func (r *schedulesRun) item(name, rel string, before int) {
	r.res.Items = append(r.res.Items, preflight.Item{Gate: "schedules", Name: name, File: rel, Findings: len(r.findings) - before})
}

// notice checks that a scheduled workflow has a failure notice and that
// every address in it is a team alias.
func (r *schedulesRun) notice(w *workflow) {
	jobs, steps, ok := w.notice()
	if !ok {
		r.report(ruleSchedulesNoFailureNotice, w, w.schedule.KeyPos,
			"%s runs on a schedule but nothing notices when it fails: add a job with if: failure() that needs every job, and send it to a team alias%s",
			w.base(), w.missingNotice())
		return
	}
	for _, a := range noticeAddresses(jobs, steps) {
		secret := a.node.Secret(r.secrets)
		if v, msg := r.judge.judge(a.address, secret, "the failure notice address of "+w.base(), "failure notices", "send the notice to"); v != aliasOK {
			r.report(ruleSchedulesNoticeNotTeam, w, a.node.ValuePos, "%s", msg)
		}
	}
}

// missingNotice says, after the contract's message, what comes closest to
// a notice and why it does not count; "" when nothing does.
func (w *workflow) missingNotice() string {
	byID := map[string]*workflowJob{}
	for _, j := range w.jobs {
		byID[j.id] = j
	}
	for _, j := range w.jobs {
		if !j.failure {
			continue
		}
		needed := w.needed(j, byID)
		var missing []string
		for _, o := range w.jobs {
			if o != j && !needed[o.id] {
				missing = append(missing, o.id)
			}
		}
		if len(missing) > 0 {
			return fmt.Sprintf(" (job %s has a failure condition but does not need %s)", j.id, strings.Join(missing, ", "))
		}
	}
	var without []string
	some := false
	for _, j := range w.jobs {
		has := slices.ContainsFunc(j.steps, func(s *workflowStep) bool { return s.failure })
		some = some || has
		switch {
		case has:
		case j.reusable:
			without = append(without, j.id+" (a reusable workflow: its steps are not here)")
		default:
			without = append(without, j.id)
		}
	}
	if some && len(without) > 0 {
		return " (no failure step in job " + strings.Join(without, ", ") + ")"
	}
	return ""
}

// watcher checks the watcher: scheduled, frequent enough, mailing a team.
func (r *schedulesRun) watcher(w *workflow) {
	// Findings point at the watcher's on key; without one, at [schedules].
	report := func(format string, args ...any) {
		if w.on != nil {
			r.report(ruleSchedulesNoWatcher, w, w.on.KeyPos, format, args...)
			return
		}
		line, col := r.b.Pos("schedules")
		r.findings = append(r.findings, ruleSchedulesNoWatcher.Finding(preflight.ManifestName, line, col, fmt.Sprintf(format, args...)))
	}
	name := "the watcher " + w.base()
	maxGap := days(*r.spec.MaxGapDays)
	if !w.scheduled() {
		report("%s does not run on a schedule: add on: schedule with a cron line, runs at most %s apart, so it checks the scheduled workflows without anyone remembering to", name, maxGap)
	} else {
		limit := time.Duration(*r.spec.MaxGapDays)*24*time.Hour + time.Hour // one hour for daylight saving
		switch g := cron.LongestGap(w.entries...); {
		case !g.Bounded:
			report("%s runs fewer than twice in %d and the first run after it: expected runs at most %s apart (max_gap_days)", name, cron.Year, maxGap)
		case g.Longest > limit:
			report("%s can go %s between runs: expected at most %s (max_gap_days), so a workflow that stopped is noticed within the week", name, duration(g.Longest), maxGap)
		}
	}
	found := addresses(string(w.data))
	for _, a := range found {
		if v, _ := r.judge.judge(a, false, "", "", ""); v == aliasOK {
			return
		}
	}
	if len(found) == 0 {
		report("%s sends its summary to no address: mail it to a team alias of the registry with at least %s, so someone reads it",
			name, words.Plural(*r.spec.MinMembers, "member"))
		return
	}
	slices.Sort(found)
	found = slices.Compact(found)
	if len(found) > 3 {
		found = append(found[:3], "...")
	}
	report("%s mails no team alias: none of its addresses (%s) is a registered alias with at least %s; mail its summary to a team alias, so someone reads it",
		name, strings.Join(found, ", "), words.Plural(*r.spec.MinMembers, "member"))
}

// WorkflowNotice reads a workflow file's text as the schedules gate does
// and says whether it runs on a schedule and whether it has a failure
// notice; file names it in errors. `preflight init` tells with it which
// scheduled workflows fail unheard.
func WorkflowNotice(file string, data []byte) (scheduled, notice bool, err error) {
	w, err := readWorkflow(file, data)
	if err != nil {
		return false, false, err
	}
	_, _, notice = w.notice()
	return w.scheduled(), notice, nil
}

// base is a workflow's file name, as the watcher names it.
func (w *workflow) base() string { return path.Base(w.rel) }

func runsOnSchedule(ws []*workflow) string {
	if len(ws) == 1 {
		return ws[0].base() + " runs"
	}
	return fmt.Sprintf("%d workflows run", len(ws))
}

func theyRan(ws []*workflow) string {
	if len(ws) == 1 {
		return "it ran"
	}
	return "they ran"
}

func days(n int) string { return words.Plural(n, "day") }

// duration writes a gap in days and hours ("14 days", "7 days 2 hours"),
// or hours under a day.
func duration(d time.Duration) string {
	d = d.Round(time.Minute)
	day := 24 * time.Hour
	switch {
	case d >= day && d%day == 0:
		return days(int(d / day))
	case d >= day:
		return days(int(d/day)) + " " + words.Plural(int(d%day/time.Hour), "hour")
	}
	return words.Plural(int((d+time.Hour/2)/time.Hour), "hour")
}
