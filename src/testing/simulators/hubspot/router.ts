/**
 * The HubSpot simulator's routes: (method, path pattern, handler) over one portal's store, matched
 * in order.
 */
import type { SimEnvironment, SimRequest, SimResponse } from "../../simulator.js";
import { associateDefault, batchReadAssociations, listAssociations } from "./association-routes.js";
import { searchCalls } from "./calls-search.js";
import { createContact, gdprDeleteContact, getContact, searchContacts } from "./contact-routes.js";
import { archiveObject, batchArchive, batchRead } from "./engagement-routes.js";
import { gdprDeleteFile, getFile, preferences } from "./other-routes.js";
import { hubspotError } from "./responses.js";
import type { CrmType, HubspotStore } from "./store.js";

export type Route = readonly [
  method: string,
  pattern: RegExp,
  handler: (req: SimRequest, params: readonly (string | undefined)[]) => SimResponse,
];

/** Every route the simulator serves. */
export function hubspotRoutes(store: HubspotStore, env: SimEnvironment, refuseBlocklisted: boolean): Route[] {
  return [
    ["POST", /^\/crm\/v3\/objects\/calls\/search$/, (req) => searchCalls(store, req, env)],
    ["POST", /^\/crm\/v3\/objects\/contacts\/search$/, (req) => searchContacts(store, req, env)],
    ["POST", /^\/crm\/v3\/objects\/contacts\/gdpr-delete$/, (req) => gdprDeleteContact(store, req, env)],
    ["POST", /^\/crm\/v3\/objects\/contacts$/, (req) => createContact(store, req, refuseBlocklisted)],
    ["GET", /^\/crm\/v3\/objects\/contacts\/([^/]+)$/, (req, [id]) => getContact(store, req, id!)],
    [
      "GET",
      /^\/crm\/v4\/objects\/([^/]+)\/([^/]+)\/associations\/([^/]+)$/,
      (req, [objectType, objectId, toObjectType]) =>
        listAssociations(store, req, env, {
          objectType: objectType!,
          objectId: objectId!,
          toObjectType: toObjectType!,
        }),
    ],
    [
      "PUT",
      /^\/crm\/v4\/objects\/([^/]+)\/([^/]+)\/associations\/default\/([^/]+)\/([^/]+)$/,
      (_req, [fromObjectType, fromObjectId, toObjectType, toObjectId]) =>
        associateDefault(store, {
          fromObjectType: fromObjectType!,
          fromObjectId: fromObjectId!,
          toObjectType: toObjectType!,
          toObjectId: toObjectId!,
        }),
    ],
    [
      "POST",
      /^\/crm\/v4\/associations\/([^/]+)\/([^/]+)\/batch\/read$/,
      (req, [fromObjectType, toObjectType]) =>
        batchReadAssociations(store, req, env, {
          fromObjectType: fromObjectType!,
          toObjectType: toObjectType!,
        }),
    ],
    [
      "POST",
      /^\/crm\/v3\/objects\/(contacts|calls|notes|emails|meetings|tasks)\/batch\/read$/,
      (req, [type]) => batchRead(store, req, type as CrmType),
    ],
    [
      "POST",
      /^\/crm\/v3\/objects\/(calls|notes|emails|meetings|tasks)\/batch\/archive$/,
      (req, [type]) => batchArchive(store, env, req, type as CrmType),
    ],
    [
      "DELETE",
      /^\/crm\/v3\/objects\/(contacts|calls|notes|emails|meetings|tasks)\/([^/]+)$/,
      (_req, [type, id]) => archiveObject(store, env, type as CrmType, id!),
    ],
    ["GET", /^\/files\/v3\/files\/(\d+)$/, (_req, [id]) => getFile(store, id!)],
    ["DELETE", /^\/files\/v3\/files\/(\d+)\/gdpr-delete$/, (_req, [id]) => gdprDeleteFile(store, id!)],
    [
      "GET",
      /^\/communication-preferences\/v4\/statuses\/([^/]+)$/,
      (req, [subscriber]) => preferences(store, req, env, subscriber!, false),
    ],
    [
      "GET",
      /^\/communication-preferences\/v4\/statuses\/([^/]+)\/unsubscribe-all$/,
      (req, [subscriber]) => preferences(store, req, env, subscriber!, true),
    ],
    [
      "POST",
      /^\/communication-preferences\/v4\/statuses\/([^/]+)\/unsubscribe-all$/,
      (req, [subscriber]) => preferences(store, req, env, subscriber!, true),
    ],
  ];
}

/** Routes one request: the first route whose method and pattern match. */
export function dispatch(routes: readonly Route[], req: SimRequest): SimResponse {
  for (const [method, pattern, handler] of routes) {
    if (req.method !== method) continue;
    const match = pattern.exec(req.path);
    if (match) return handler(req, match.slice(1));
  }
  return hubspotError(404, { message: "Unable to route request", category: "OBJECT_NOT_FOUND" });
}
