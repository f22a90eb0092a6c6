/**
 * The subject as typed on the command line: `--email`, `--phone`, `--name`, and `--id adapter=id`
 * (repeatable). Validated here, before anything is loaded or recorded; messages never repeat a
 * value.
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "../errors.js";
import { normalizeSubject, type SubjectInput } from "../subject.js";

/** Adds the subject options to a command. */
export function subjectOptions(command: Command): Command {
  return command
    .option("--email <email>", "the person's email address")
    .option("--phone <phone>", "the person's phone number (international form)")
    .option("--name <name>", "display name (helps a human read an export; not an identifier)")
    .option(
      "--id <adapter=id>",
      "a provider record id, e.g. stripe=cus_123 (repeatable)",
      (value: string, previous: string[] = []) => [...previous, value],
    );
}

interface SubjectFlags {
  email?: string;
  phone?: string;
  name?: string;
  id?: string[];
}

/** Builds and validates the subject; throws `INVALID_ARGUMENT`/`INVALID_SUBJECT` (exit 2). */
export function subjectFromFlags(flags: SubjectFlags): SubjectInput {
  const input: SubjectInput = {};
  if (flags.email !== undefined) input.email = flags.email;
  if (flags.phone !== undefined) input.phone = flags.phone;
  if (flags.name !== undefined) input.name = flags.name;
  if (flags.id?.length) {
    const ids: Record<string, string[]> = {};
    for (const pair of flags.id) {
      const at = pair.indexOf("=");
      if (at <= 0 || at === pair.length - 1)
        throw new InvalidArgumentError("--id must be adapter=id, e.g. --id stripe=cus_123", {
          details: { argument: "id" },
        });
      const adapter = pair.slice(0, at).trim();
      ids[adapter] = [...(ids[adapter] ?? []), pair.slice(at + 1)];
    }
    input.ids = ids;
  }
  if (input.email === undefined && input.phone === undefined && input.ids === undefined)
    throw new InvalidArgumentError("Give the subject: --email, --phone or --id adapter=id", {
      details: { argument: "subject" },
    });
  normalizeSubject(input);
  return input;
}
