import { requirePageActor } from "@/lib/auth/session";
import { Uploader } from "./_components/uploader";

export const dynamic = "force-dynamic";

export default async function UploadPage() {
  await requirePageActor("submit");
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Upload images</h1>
      <p className="text-slate-600">Each image becomes a case. The scanner runs in the background; follow progress in the queue.</p>
      <Uploader />
    </div>
  );
}
