/**
 * The records of one simulated Pipedrive company, in the shapes the simulator keeps them (the JSON
 * Pipedrive returns is built from them in route-kit.ts and the route files).
 */

/** A Pipedrive user (seat) of the company. */
export interface SimUser {
  readonly id: number;
  readonly name: string;
  readonly email: string;
  /** Personal API token, sent as `x-api-token`. */
  readonly apiToken: string;
  /** OAuth access token of an app installed by this user, sent as `Authorization: Bearer`. */
  readonly oauthToken: string;
  /** Admin users ("account settings" permission) may delete persons. */
  readonly admin: boolean;
}

/** What every record that goes to the trash carries. */
export interface Trashable {
  /** Epoch ms of the soft delete; absent while live. */
  deletedAt?: number;
}

export interface SimPerson extends Trashable {
  readonly id: number;
  name: string;
  emails: { value: string; primary: boolean; label: string }[];
  phones: { value: string; primary: boolean; label: string }[];
  owner_id: number;
  add_time: string;
  update_time: string;
}

export interface SimActivity extends Trashable {
  readonly id: number;
  subject: string;
  type: string;
  owner_id: number;
  /** The primary participant. */
  person_id: number | null;
  participants: { person_id: number; primary: boolean }[];
  deal_id: number | null;
  done: boolean;
  due_date: string;
  note: string;
  add_time: string;
  update_time: string;
}

export interface SimDeal extends Trashable {
  readonly id: number;
  title: string;
  value: number;
  currency: string;
  person_id: number | null;
  owner_id: number;
  status: "open" | "won" | "lost";
  add_time: string;
  update_time: string;
}

export interface SimNote {
  readonly id: number;
  content: string;
  person_id: number | null;
  user_id: number;
  add_time: string;
  update_time: string;
}

export interface SimFile extends Trashable {
  readonly id: number;
  name: string;
  file_type: string;
  content_type: string;
  person_id: number | null;
  user_id: number;
  bytes: Buffer;
  add_time: string;
}

export interface SimMailMessage {
  readonly id: number;
  /** The thread it belongs to (see {@link SimMailThread}). */
  readonly thread_id: number;
  subject: string;
  snippet: string;
  from_email: string;
  to_email: string;
  /** The person it is linked to now (`null` once unlinked). */
  person_id: number | null;
  /** The person it was linked to when seeded: whose data it is, for the oracle. */
  readonly subject_person_id: number;
  user_id: number;
  message_time: string;
}

/** A mail thread in one user's mailbox; deleting it marks it (and its messages) deleted. */
export interface SimMailThread extends Trashable {
  readonly id: number;
  /** The user whose mail connection it came through. */
  readonly user_id: number;
  subject: string;
}

/** A lead (id in UUID form), open or archived. */
export interface SimLead extends Trashable {
  readonly id: string;
  title: string;
  owner_id: number;
  creator_id: number;
  person_id: number | null;
  is_archived: boolean;
  add_time: string;
  update_time: string;
}

export interface SimCallLog {
  readonly id: string;
  user_id: number;
  activity_id: number | null;
  person_id: number | null;
  subject: string;
  duration: string;
  outcome: string;
  from_phone_number: string;
  to_phone_number: string;
  start_time: string;
  end_time: string;
  note: string;
  /** The audio recording, when one was attached. Deleted together with the call log. */
  recording: Buffer | undefined;
}
