/**
 * The Capsule simulator's task routes: the account's task list, one task, a task delete.
 *
 * @see https://developer.capsulecrm.com/v2/operations/Task
 */
import type { SimRequest, SimResponse } from "../../simulator.js";
import { capsuleError, pageParams, paginate } from "./http.js";
import type { RouteContext } from "./routes.js";
import type { SimTask } from "./state.js";

const STATUSES = new Set(["open", "pending", "completed"]);

function taskJson(ctx: RouteContext, task: SimTask): Record<string, unknown> {
  const party = task.partyId === null ? undefined : ctx.state.parties.get(task.partyId);
  const opportunity =
    task.opportunityId === null ? undefined : ctx.state.opportunities.get(task.opportunityId);
  // ASSUMPTION [U]: `party`, `opportunity` and `kase` are short objects (id and name), present
  // whether or not they are embedded; the docs' example shows `party` on a listed task.
  return {
    id: task.id,
    description: task.description,
    detail: null,
    status: task.status,
    dueOn: task.dueOn,
    dueTime: null,
    category: null,
    owner: task.owner,
    party: party ? { id: party.id, type: "person", name: `${party.firstName} ${party.lastName}` } : null,
    opportunity: opportunity ? { id: opportunity.id, name: opportunity.name } : null,
    kase: null,
    hasTrack: task.status === "PENDING",
    createdAt: task.createdAt,
    updatedAt: task.createdAt,
    completedAt: null,
  };
}

/**
 * `GET /api/v2/tasks`: "By default the body will contain only the open tasks. If you want to
 * retrieve pending and/or completed tasks use the status query parameter" (a comma separated list
 * of open, completed, pending); `perPage` 1–100, `Link` pagination.
 */
export function listTasks(req: SimRequest, ctx: RouteContext): SimResponse {
  const paging = pageParams(req, 100, ctx.env);
  if (!paging) return capsuleError(400, "perPage must be between 1 and 100");
  const wanted = (req.query.get("status") ?? "open").split(",").map((s) => s.trim().toLowerCase());
  if (wanted.some((s) => !STATUSES.has(s)))
    return capsuleError(400, "status must be open, completed or pending");
  const rows = [...ctx.state.tasks.values()].filter((t) => wanted.includes(t.status.toLowerCase()));
  const page = paginate(req, rows, paging);
  return { status: 200, headers: page.headers, body: { tasks: page.items.map((t) => taskJson(ctx, t)) } };
}

export function showTask(_req: SimRequest, ctx: RouteContext, [id]: string[]): SimResponse {
  const task = ctx.state.tasks.get(Number(id));
  if (!task) return capsuleError(404);
  return { status: 200, body: { task: taskJson(ctx, task) } };
}

// `DELETE /api/v2/tasks/{id}` "fully deletes a specific task" and answers 204 (withone.ai's
// summary of Capsule's Task operations [S]). ASSUMPTION [U]: 404 once it is gone.
export function deleteTask(_req: SimRequest, ctx: RouteContext, [id]: string[]): SimResponse {
  const task = ctx.state.tasks.get(Number(id));
  if (!task) return capsuleError(404);
  ctx.state.countDestructive(`task:${task.id}`);
  ctx.state.tasks.delete(task.id);
  return { status: 204 };
}
