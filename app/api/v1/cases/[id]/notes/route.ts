import { apiRoute, otherMethods, parseOrThrow } from "@/lib/api/route";
import { caseNoteDto } from "@/lib/api/dto";
import { readJsonLimited } from "@/lib/api/read-body";
import { addCaseNote } from "@/lib/cases/case-notes";
import { noteBody } from "../../cases.validation";

export const dynamic = "force-dynamic";

/** Write a note on a case: JSON `{ "body" }`. 201 with the note; its author is the key's owner. */
export const POST = apiRoute<{ id: string }>({ permission: "noteCases", scope: "cases:write" }, async (req, { db, actor, params, requestId }) => {
  const { body } = parseOrThrow(noteBody, await readJsonLimited(req));
  const note = await addCaseNote({ ctx: { db, actor, requestId }, input: { caseId: params.id, body } });
  return Response.json(caseNoteDto(note), { status: 201 });
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { GET, PUT, PATCH, DELETE } = otherMethods(["POST"]);
