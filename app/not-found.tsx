import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Not found" };

export default function NotFound() {
  return (
    <div className="mx-auto mt-10 max-w-md rounded-lg border border-slate-200 bg-white p-6">
      <p className="text-sm font-medium text-slate-600">404</p>
      <h1 className="mt-1 text-xl font-semibold">This page does not exist</h1>
      <p className="mt-2 text-slate-700">The address may be mistyped, or the case was deleted. The queue lists every case you may see.</p>
      <Link href="/queue" className="mt-4 inline-block rounded bg-slate-900 px-3 py-1.5 text-sm font-medium text-white">
        Go to the queue
      </Link>
    </div>
  );
}
