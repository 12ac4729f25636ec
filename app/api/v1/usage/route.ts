import { apiRoute, otherMethods, parseOrThrow } from "@/lib/api/route";
import { usageDto } from "@/lib/api/dto";
import { usageReport } from "@/lib/api-keys/queries";
import { utcMonthStart, utcNextMonthStart } from "@/lib/api-keys/usage";
import { actorUserId } from "@/lib/context";
import { usageQuery } from "./usage.validation";

export const dynamic = "force-dynamic";

/** Requests and images of the caller's live API keys, per key and UTC day, with the quota left. */
export const GET = apiRoute({ permission: "manageApiKeys", scope: "usage" }, async (req, { db, actor }) => {
  const q = parseOrThrow(usageQuery, Object.fromEntries(new URL(req.url).searchParams));
  const now = new Date();
  const range = { from: q.from ?? utcMonthStart(now), to: q.to ?? utcNextMonthStart(now) };
  const rows = await usageReport(db, actorUserId(actor)!, range, now);
  return usageDto(range, rows);
});

/** The methods this path does not take: a JSON 405 naming the ones it does. */
export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
