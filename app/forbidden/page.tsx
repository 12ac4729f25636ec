import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Not allowed" };

export default function Forbidden() {
  return (
    <div className="mx-auto mt-10 max-w-md rounded-lg border border-slate-200 bg-white p-6">
      <p className="text-sm font-medium text-slate-600">403</p>
      <h1 className="mt-1 text-xl font-semibold">Not allowed</h1>
      <p className="mt-2 text-slate-700">Your role does not give access to this page. Ask an admin if you need it.</p>
      <Link href="/queue" className="mt-4 inline-block rounded border border-slate-400 px-3 py-1.5 text-sm text-slate-800">
        Go to the queue
      </Link>
    </div>
  );
}
