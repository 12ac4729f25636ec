import { getDb } from "@/db";
import { requirePageActor } from "@/lib/auth/session";
import { lastCaseEventId } from "@/lib/live/queries";
import { QuickCheck } from "./_components/quick-check";
import { Uploader } from "./_components/uploader";

export const dynamic = "force-dynamic";

export default async function UploadPage() {
  await requirePageActor("submit");
  // Changes after this id reach the page through the live stream.
  const since = await lastCaseEventId(await getDb());
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Upload images</h1>
      <p className="text-slate-600">Each image becomes a case. The scanner runs in the background; each row shows its case&apos;s state as it changes.</p>
      <Uploader since={since} />
      <QuickCheck />
    </div>
  );
}
