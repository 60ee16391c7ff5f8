"""axe-core (from npm, node_modules/axe-core) run inside the page: WCAG 2.1 A and AA rules.

The site's CSP allows scripts from 'self' only. Playwright's add_script_tag(path=...) inlines the
file's text in a <script> element, which that CSP refuses, so axe goes in through
page.evaluate: the DevTools protocol runs the source in the page's main world, outside the CSP
(the page's own policy stays in force for everything else, and the check sees the page as it is).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}

RUN = """async ([tags, include]) => {
  const context = include ? {include: [include]} : document;
  const result = await axe.run(context, {runOnly: {type: 'tag', values: tags},
                                         resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), impact: n.impact,
                              summary: n.failureSummary}))}));
}"""


@cache
def _source() -> str:
    if not AXE_JS.exists():
        raise RuntimeError("node_modules/axe-core is missing: run `make setup` (npm ci)")
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Any, include: str | None = None) -> list[dict[str, Any]]:
    """Every WCAG 2.1 AA violation axe finds on the page as it now stands (or only inside the
    element `include` selects, e.g. "main")."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_source() + "\n;undefined")
    return list(page.evaluate(RUN, [TAGS, include]))


def serious(violations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [v for v in violations if v["impact"] in FAILING_IMPACTS]


def describe(where: str, violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{where}: [{v['impact']}] {v['id']} — {v['help']}")
        for node in v["nodes"][:8]:
            lines.append(f"    {node['target']}")
        summary = (v["nodes"][0]["summary"] or "").splitlines() if v["nodes"] else []
        lines.extend(f"      {line.strip()}" for line in summary[1:3])
        if len(v["nodes"]) > 8:
            lines.append(f"    … {len(v['nodes']) - 8} more")
    return "\n".join(lines)
