/**
 * Stage 3: could the workflow be turned against the deployment? Literal outbound URLs that point at this
 * machine, private networks or cloud metadata (the run-time guard re-checks after DNS), and references to
 * owned resources by a caller with no identity.
 */
import { quote, type Analysis, type IssueCollector } from "../analysis";
import { readsSecrets } from "@/lib/nodes/secret-names";
import { checkUrlTarget } from "../network-targets";
import type { ValidationContext, ValidationUser } from "../types";

export function checkSecurity(
  analysis: Analysis,
  user: ValidationUser,
  context: ValidationContext,
  issues: IssueCollector,
): void {
  for (const node of analysis.nodes) {
    if (!node.definition || !node.configValid) continue;
    const usage = node.definition.uses(node.config as never);

    for (const { url, field } of usage.urls) {
      const verdict = checkUrlTarget(url, context.httpAllowList);
      const path = `${node.configPath}.${field}`;
      if (verdict.kind === "invalid") {
        issues.add({
          code: "http.invalid_url",
          nodeId: node.id,
          path,
          message: `${node.title}: the URL ${quote(url)} ${verdict.reason}.`,
        });
      } else if (verdict.kind === "forbidden") {
        issues.add({
          code: "http.forbidden_target",
          nodeId: node.id,
          path,
          message: `${node.title} calls ${verdict.host}, ${verdict.reason}. Requests to this machine, private networks and cloud metadata are refused.`,
        });
      }
    }

    // A secret goes only where the node resolves it and redacts it; anywhere else it would render empty or,
    // worse, be copied into a prompt, a body or the run's state.
    const secretFields = new Set(usage.secrets.map((entry) => entry.field));
    for (const { source, field } of usage.templates) {
      if (secretFields.has(field) || !readsSecrets(source)) continue;
      issues.add({
        code: "secret.not_allowed",
        nodeId: node.id,
        path: `${node.configPath}.${field}`,
        message: `${node.title} reads {{secrets…}} here; secrets can be used only in an HTTP request's URL and headers and in a tools node's HTTP tool sites.`,
      });
    }

    if (user === null) {
      for (const reference of usage.references) {
        issues.add({
          code: "auth.required",
          nodeId: node.id,
          path: `${node.configPath}.${reference.field}`,
          message: `${node.title} uses a ${reference.kind === "knowledgeBase" ? "knowledge base" : "saved workflow"}, which needs a signed-in user.`,
        });
      }
    }
  }
}
